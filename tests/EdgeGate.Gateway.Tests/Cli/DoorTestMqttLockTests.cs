using System.Text.Json.Nodes;
using EdgeGate.Gateway.Cli;
using EdgeGate.Gateway.Tests.Access;
using EdgeGate.TestSupport.Peers;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Cli;

/// <summary><c>edgegate door test</c> on an MQTT lock: its own connection to a real mosquitto, a lock played by a second client.</summary>
[Collection(AccessTimingCollection.Name)]
public sealed class DoorTestMqttLockTests(ITestOutputHelper output) : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("edgegate-door-test-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<InProcessCli.Result> DoorTestAsync(MosquittoBroker broker)
    {
        var configuration = new JsonObject
        {
            ["Gateway"] = InProcessCli.GatewaySection(directory),
            ["LockBroker"] = new JsonObject { ["Host"] = MosquittoBroker.Host, ["Port"] = broker.Port },
            ["Doors"] = new JsonArray
            {
                new JsonObject
                {
                    ["Name"] = "lobby",
                    ["Kind"] = "Mqtt",
                    ["PulseLength"] = "00:00:00.300",
                    ["Mqtt"] = new JsonObject { ["Flavor"] = "Zigbee2Mqtt", ["Topic"] = "lobby_lock", ["ConfirmTimeout"] = "00:00:03" },
                },
            },
        };
        var path = Path.Combine(directory, "edgegate.json");
        await File.WriteAllTextAsync(path, configuration.ToJsonString());
        return await InProcessCli.RunAsync([DoorCommand.Create()], ["door", "test", "lobby", "--config", path], output);
    }

    [Fact]
    public async Task Door_test_pulses_an_mqtt_lock_over_its_own_connection_and_names_a_broker_that_is_down()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using (var peer = await LockPeer.StartZigbee2MqttAsync(broker, "lobby_lock"))
        {
            var pulsed = await DoorTestAsync(broker);

            Assert.Equal(0, pulsed.ExitCode);
            Assert.Contains("pulse: done", pulsed.Output, StringComparison.Ordinal);
            Assert.Equal(["""{"state":"UNLOCK"}""", """{"state":"LOCK"}"""], (await peer.WaitForCommandsAsync(2, TimeSpan.FromSeconds(10))).Select(c => c.Payload));
            // Not the gateway's client id: a running gateway is not disconnected by the test.
            Assert.Contains("edgegate-cli-gate-locks-test", broker.Log, StringComparison.Ordinal);
        }

        broker.Kill();
        var down = await DoorTestAsync(broker);

        Assert.Equal(1, down.ExitCode);
        Assert.Contains($"lock broker {MosquittoBroker.Host}:{broker.Port} not reachable", down.Error, StringComparison.Ordinal);
    }
}
