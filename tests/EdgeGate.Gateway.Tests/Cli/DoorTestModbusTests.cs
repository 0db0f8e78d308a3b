using System.Text.Json.Nodes;
using EdgeGate.Gateway.Cli;
using EdgeGate.Gateway.Tests.Access;
using EdgeGate.TestSupport.Peers;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Cli;

/// <summary><c>edgegate door test</c> on a Modbus RTU relay board: the pymodbus slave on a socat pty plays the board.</summary>
[Collection(AccessTimingCollection.Name)]
public sealed class DoorTestModbusTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Coil = 3;
    private readonly string directory = Directory.CreateTempSubdirectory("edgegate-door-test-").FullName;
    private SocatPair relayLine = null!;

    public async Task InitializeAsync() => relayLine = await SocatPair.StartAsync();

    public Task DisposeAsync()
    {
        relayLine?.Dispose();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        return Task.CompletedTask;
    }

    private async Task<InProcessCli.Result> DoorTestAsync()
    {
        var configuration = new JsonObject
        {
            ["Gateway"] = InProcessCli.GatewaySection(directory),
            ["Doors"] = new JsonArray
            {
                new JsonObject
                {
                    ["Name"] = "turnstile",
                    ["Kind"] = "ModbusRtu",
                    ["PulseLength"] = "00:00:00.300",
                    ["ModbusRtu"] = new JsonObject
                    {
                        ["Port"] = relayLine.PathB,
                        ["SlaveId"] = 1,
                        ["Coil"] = Coil,
                        ["Retries"] = 0,
                        ["DoorSensorInput"] = 0,
                        ["ExitButtonInput"] = 1,
                    },
                },
            },
        };
        var path = Path.Combine(directory, "edgegate.json");
        await File.WriteAllTextAsync(path, configuration.ToJsonString());
        return await InProcessCli.RunAsync([DoorCommand.Create()], ["door", "test", "turnstile", "--config", path], output);
    }

    [Fact]
    public async Task Door_test_reports_the_boards_echoes_and_inputs_and_a_board_that_does_not_answer()
    {
        using (var slave = await ModbusSlave.StartAsync(relayLine.PathA, new ModbusSlaveOptions { DiscreteInputs = [true, false, false, false, false, false, false, false] }))
        {
            var pulsed = await DoorTestAsync();

            Assert.Equal(0, pulsed.ExitCode);
            Assert.Contains($"Modbus RTU relay on {relayLine.PathB} at 9600 baud, slave 1, coil {Coil}, FailSecure", pulsed.Output, StringComparison.Ordinal);
            Assert.Contains($"pulse: done after ", pulsed.Output, StringComparison.Ordinal);
            Assert.Contains($"relay coil {Coil} at slave 1 released and relocked after ", pulsed.Output, StringComparison.Ordinal);
            Assert.Contains("both echoes confirmed", pulsed.Output, StringComparison.Ordinal);
            Assert.Contains("inputs: door closed, exit button released", pulsed.Output, StringComparison.Ordinal);
            var events = await slave.WaitForEventsAsync(e => e.Count >= 2, TimeSpan.FromSeconds(5));
            Assert.Equal([("coil", Coil, 1), ("coil", Coil, 0)], events.Select(e => (e.Kind, e.Address, e.Value)));
        }

        var silent = await DoorTestAsync();

        Assert.Equal(1, silent.ExitCode);
        Assert.Contains("pulse: no_response after ", silent.Output, StringComparison.Ordinal);
        Assert.Contains("error: the board did not answer: check the RS-485 wiring", silent.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("inputs:", silent.Output, StringComparison.Ordinal);
    }
}
