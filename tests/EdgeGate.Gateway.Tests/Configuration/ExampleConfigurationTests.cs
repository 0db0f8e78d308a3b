using EdgeGate.Configuration;
using EdgeGate.TestSupport;

namespace EdgeGate.Gateway.Tests.Configuration;

public sealed class ExampleConfigurationTests
{
    public static TheoryData<string> ExampleFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "deploy", "config"), "*.json").Order())
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Every_example_configuration_loads_and_validates(string fileName)
    {
        var settings = EdgeGateSettings.Load(Path.Combine(RepositoryPaths.Root, "deploy", "config", fileName));

        Assert.NotEmpty(settings.Doors);
        Assert.NotEmpty(settings.Cameras);
        Assert.Empty(settings.Validate());
    }

    [Fact]
    public void There_are_examples_for_a_modbus_gate_and_an_mqtt_lock_door()
    {
        var kinds = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "deploy", "config"), "*.json")
            .Select(Path.GetFileName)
            .OfType<string>()
            .SelectMany(file => EdgeGateSettings.Load(Path.Combine(RepositoryPaths.Root, "deploy", "config", file)).Doors)
            .Select(door => door.Kind)
            .ToHashSet();

        Assert.Contains(DoorKind.ModbusRtu, kinds);
        Assert.Contains(DoorKind.Mqtt, kinds);
    }
}
