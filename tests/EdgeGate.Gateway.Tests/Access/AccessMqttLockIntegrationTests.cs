using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGate.Core.Access;
using EdgeGate.Core.Doors;
using EdgeGate.Devices.Mqtt;
using EdgeGate.Access;
using EdgeGate.Gateway.Tests.Live;
using EdgeGate.Storage.Journal;
using EdgeGate.TestSupport.Peers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Access;

/// <summary>
/// Doors of Kind Mqtt through the gateway's door path (remote unlock → decision → journal → door
/// service → MQTT lock on the shared lock broker connection), against a real mosquitto and a lock
/// played by a second MQTT client.
/// </summary>
[Collection(AccessTimingCollection.Name)]
public sealed class AccessMqttLockIntegrationTests(ITestOutputHelper output)
{
    private const string DeviceName = "lobby_lock";
    private static readonly TimeSpan PulseLength = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan DeliveryJitter = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private readonly CapturingLoggerProvider logs = new();

    private static JsonObject Zigbee2MqttLock() => new()
    {
        ["Flavor"] = "Zigbee2Mqtt",
        ["Topic"] = DeviceName,
        ["ConfirmTimeout"] = "00:00:03",
    };

    private Task<AccessTestHost> StartGatewayAsync(MosquittoBroker broker, JsonObject mqttLock, string username = "") =>
        AccessTestHost.StartAsync(
            configuration =>
            {
                configuration["LockBroker"] = new JsonObject
                {
                    ["Host"] = MosquittoBroker.Host,
                    ["Port"] = broker.Port,
                    ["Username"] = username,
                    ["ReconnectDelayMaximum"] = "00:00:02",
                };
                configuration["Doors"] = new JsonArray
                {
                    new JsonObject { ["Name"] = "lobby", ["Kind"] = "Mqtt", ["PulseLength"] = PulseLength.ToString(), ["Mqtt"] = mqttLock },
                };
            },
            register: services => services.AddLogging(logging => logging.AddProvider(logs)));

    private static IMqttClient LockBrokerClient(AccessTestHost host) => host.GetRequiredService<LockBrokerConnection>().Client;

    private static Task WaitForStateAsync(IMqttClient client, MqttConnectionState state, string who)
        => Eventually.UntilAsync(() => client.State == state, Wait, $"{who}: state {state}", () => $"state {client.State} (last error: {client.LastError})");

    private static async Task<DoorOperated> RemoteUnlockAsync(AccessTestHost host, string operatorId)
    {
        var attempt = AccessAttempt.ForRemote(operatorId, "visitor at the lobby", "lobby", DateTimeOffset.UtcNow);
        await host.Attempts.SubmitAsync(attempt);
        return await host.WaitForFeedAsync<DoorOperated>(door => door.Command.AttemptId == attempt.Id, Wait);
    }

    private bool Logged(int eventId, string text) =>
        logs.Lines.Any(line => line.EventId == eventId && line.Message.Contains(text, StringComparison.Ordinal));

    [Fact]
    public async Task Pulse_through_the_gateway_unlocks_a_zigbee2mqtt_lock_and_locks_it_again()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var peer = await LockPeer.StartZigbee2MqttAsync(broker, DeviceName);
        await using var host = await StartGatewayAsync(broker, Zigbee2MqttLock());
        await WaitForStateAsync(LockBrokerClient(host), MqttConnectionState.Connected, "gateway");

        var operated = await RemoteUnlockAsync(host, "office-1");

        Assert.True(operated.Outcome.IsDone, operated.Outcome.Describe());
        var commands = await peer.WaitForCommandsAsync(2, Wait);
        Assert.Equal(["""{"state":"UNLOCK"}""", """{"state":"LOCK"}"""], commands.Select(command => command.Payload));
        Assert.DoesNotContain(commands, command => command.Retained);
        var held = commands[1].At - commands[0].At;
        output.WriteLine($"pulse {PulseLength.TotalMilliseconds} ms asked, the lock was unlocked for {held.TotalMilliseconds:0} ms; {operated.Outcome.Describe()}");
        // Both times are arrivals at the lock: the broker may hand on the first message a few milliseconds later
        // than the second, so the measured hold can fall short of the gateway's own by that delivery jitter.
        Assert.InRange(held, PulseLength - DeliveryJitter, PulseLength + TimeSpan.FromSeconds(2));

        var journal = await host.JournalAsync();
        Assert.Equal([AccessJournal.DecisionType, AccessJournal.DoorOutcomeType], journal.Select(entry => entry.Type));
        using var payload = JsonDocument.Parse(journal[1].PayloadJson);
        Assert.Equal("done", payload.RootElement.GetProperty("outcome").GetString());
        Assert.Contains(host.DriverCalls, call => call.Door == "lobby");
        Assert.True(Logged(3601, $"{MosquittoBroker.Host}:{broker.Port}"), "no 'lock broker connected' log line");
    }

    [Fact]
    public async Task A_lock_reporting_jammed_on_its_own_is_journaled_as_an_alert_and_its_recovery_as_an_event()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var peer = await LockPeer.StartZigbee2MqttAsync(broker, DeviceName);
        await using var host = await StartGatewayAsync(broker, Zigbee2MqttLock());
        await WaitForStateAsync(LockBrokerClient(host), MqttConnectionState.Connected, "gateway");

        // Nobody asked for anything: the bolt did not close (someone forced it, or it is blocked).
        var jammed = await ReportUntilJournaledAsync(host, peer, """{"lock_state":"not_fully_locked","state":"UNLOCK"}""", DeviceAlertService.LockJammedType);
        var recovered = await ReportUntilJournaledAsync(host, peer, """{"lock_state":"locked","state":"LOCK"}""", DeviceAlertService.LockRecoveredType);

        output.WriteLine($"{jammed.Seq} {jammed.Lane} {jammed.PayloadJson}; {recovered.Seq} {recovered.Lane} {recovered.PayloadJson}");
        Assert.Equal(JournalLane.Alert, jammed.Lane);
        using (var payload = JsonDocument.Parse(jammed.PayloadJson))
        {
            Assert.Equal(("lobby", "jammed"), (payload.RootElement.GetProperty("door").GetString(), payload.RootElement.GetProperty("state").GetString()));
            Assert.Contains("not_fully_locked", payload.RootElement.GetProperty("reported").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(JournalLane.Event, recovered.Lane);
        using (var payload = JsonDocument.Parse(recovered.PayloadJson))
        {
            Assert.Equal(("locked", "jammed"), (payload.RootElement.GetProperty("state").GetString(), payload.RootElement.GetProperty("previousState").GetString()));
        }
        // A repeated report of the same state is not a new alert.
        Assert.Single(await host.JournalAsync(), entry => entry.Type == DeviceAlertService.LockJammedType);
        Assert.True(Logged(3606, "lobby"), "no 'lock reports JAMMED' log line");
    }

    /// <summary>Publishes a lock report until its journal row appears (the gateway's subscription may still be on its way).</summary>
    private static async Task<JournalEntry> ReportUntilJournaledAsync(AccessTestHost host, LockPeer peer, string report, string type)
    {
        JournalEntry? entry = null;
        await Eventually.RepeatUntilAsync(
            async () =>
            {
                using var limit = new CancellationTokenSource(Wait);
                await peer.Client.PublishAsync($"zigbee2mqtt/{DeviceName}", System.Text.Encoding.UTF8.GetBytes(report), MqttQualityOfService.AtLeastOnce, retain: false, limit.Token);
            },
            async () => (entry = (await host.JournalAsync()).FirstOrDefault(entry => entry.Type == type)) is not null,
            TimeSpan.FromMilliseconds(500),
            Wait,
            $"a {type} row in the journal");
        return entry!;
    }

    [Fact]
    public async Task A_home_assistant_lock_that_never_answers_ends_no_response_after_the_confirm_timeout()
    {
        var confirmTimeout = TimeSpan.FromSeconds(1);
        using var broker = await MosquittoBroker.StartAsync();
        await using var peer = await LockPeer.StartSilentAsync(broker, "home/lobby/set");
        await using var host = await StartGatewayAsync(broker, new JsonObject
        {
            ["Flavor"] = "HomeAssistant",
            ["Topic"] = "home/lobby/set",
            ["StateTopic"] = "home/lobby/state",
            ["ConfirmTimeout"] = confirmTimeout.ToString(),
        });
        await WaitForStateAsync(LockBrokerClient(host), MqttConnectionState.Connected, "gateway");

        var watch = Stopwatch.StartNew();
        var operated = await RemoteUnlockAsync(host, "office-1");
        var elapsed = watch.Elapsed;

        var noResponse = Assert.IsType<DoorCommandOutcome.NoResponse>(operated.Outcome);
        output.WriteLine($"decision to door_fault: {elapsed.TotalMilliseconds:0} ms; {noResponse.Describe()}");
        Assert.Equal(confirmTimeout, noResponse.Waited);
        Assert.Contains("UNLOCKED", noResponse.Detail, StringComparison.Ordinal);
        // The unlock waits one confirm timeout; the relock that follows (the lock may have opened
        // without saying so) waits another, then the unlock's outcome is reported.
        Assert.InRange(elapsed, confirmTimeout, (2 * confirmTimeout) + TimeSpan.FromSeconds(3));
        var commands = await peer.WaitForCommandsAsync(2, Wait);
        Assert.Equal(["UNLOCK", "LOCK"], commands.Select(command => command.Payload));

        var journal = await host.JournalAsync();
        var fault = Assert.Single(journal, entry => entry.Type == AccessJournal.DoorFaultType);
        Assert.Equal(JournalLane.Alert, fault.Lane);
        using var payload = JsonDocument.Parse(fault.PayloadJson);
        Assert.Equal("no_response", payload.RootElement.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Broker_stopped_gives_a_transport_error_naming_it_and_after_a_restart_the_next_pulse_works()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var peer = await LockPeer.StartZigbee2MqttAsync(broker, DeviceName);
        await using var host = await StartGatewayAsync(broker, Zigbee2MqttLock());
        var gateway = LockBrokerClient(host);
        await WaitForStateAsync(gateway, MqttConnectionState.Connected, "gateway");
        var before = await RemoteUnlockAsync(host, "office-1");
        Assert.True(before.Outcome.IsDone, before.Outcome.Describe());
        var address = $"{MosquittoBroker.Host}:{broker.Port}";

        broker.Kill();
        await WaitForStateAsync(gateway, MqttConnectionState.Reconnecting, "gateway");
        var watch = Stopwatch.StartNew();
        var down = await RemoteUnlockAsync(host, "office-2");
        var failedAfter = watch.Elapsed;

        var failure = Assert.IsType<DoorCommandOutcome.TransportError>(down.Outcome);
        output.WriteLine($"broker down: {failure.Describe()} after {failedAfter.TotalMilliseconds:0} ms");
        Assert.Contains($"lock broker {address}", failure.Message, StringComparison.Ordinal);
        Assert.True(failedAfter < TimeSpan.FromSeconds(5), $"the failure took {failedAfter}");
        Assert.True(Logged(3603, address), "no 'lock broker connection lost' log line");
        var journal = await host.JournalAsync();
        var fault = Assert.Single(journal, entry => entry.Type == AccessJournal.DoorFaultType);
        using (var payload = JsonDocument.Parse(fault.PayloadJson))
        {
            Assert.Equal("transport_error", payload.RootElement.GetProperty("outcome").GetString());
        }

        await broker.RestartAsync();
        await WaitForStateAsync(gateway, MqttConnectionState.Connected, "gateway");
        await WaitForStateAsync(peer.Client, MqttConnectionState.Connected, "lock");
        var after = await RemoteUnlockAsync(host, "office-3");

        Assert.True(after.Outcome.IsDone, after.Outcome.Describe());
        var commands = await peer.WaitForCommandsAsync(4, Wait);
        Assert.Equal(
            ["""{"state":"UNLOCK"}""", """{"state":"LOCK"}""", """{"state":"UNLOCK"}""", """{"state":"LOCK"}"""],
            commands.Select(command => command.Payload));
    }

    [Fact]
    public async Task Gateway_started_while_the_broker_is_down_says_so_and_drives_the_lock_once_it_is_up()
    {
        using var broker = await MosquittoBroker.StartAsync();
        broker.Kill();
        await using var host = await StartGatewayAsync(broker, Zigbee2MqttLock());
        var address = $"{MosquittoBroker.Host}:{broker.Port}";

        var down = await RemoteUnlockAsync(host, "office-1");
        var failure = Assert.IsType<DoorCommandOutcome.TransportError>(down.Outcome);
        Assert.Contains($"lock broker {address} not reachable", failure.Message, StringComparison.Ordinal);
        await Eventually.UntilAsync(() => Logged(3602, address), LockBrokerService.ConnectWait + Wait, "the 'lock broker not reachable' log line");
        Assert.True(Logged(3602, address), "no 'lock broker not reachable' log line");
        output.WriteLine(logs.Lines.First(line => line.EventId == 3602).Message);

        await broker.RestartAsync();
        await using var peer = await LockPeer.StartZigbee2MqttAsync(broker, DeviceName);
        await WaitForStateAsync(LockBrokerClient(host), MqttConnectionState.Connected, "gateway");
        var up = await RemoteUnlockAsync(host, "office-2");

        Assert.True(up.Outcome.IsDone, up.Outcome.Describe());
        Assert.Equal(2, (await peer.WaitForCommandsAsync(2, Wait)).Count);
    }

    [Fact]
    public async Task A_broker_that_refuses_the_gateway_is_a_critical_log_and_lock_commands_fail_naming_it()
    {
        using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions
        {
            Users = new Dictionary<string, string> { ["edgegate"] = "right-password" },
        });
        // No lock-broker-password in the credentials directory: the broker refuses the gateway.
        await using var host = await StartGatewayAsync(broker, Zigbee2MqttLock(), username: "edgegate");
        var address = $"{MosquittoBroker.Host}:{broker.Port}";
        await WaitForStateAsync(LockBrokerClient(host), MqttConnectionState.Faulted, "gateway");

        var refused = await RemoteUnlockAsync(host, "office-1");

        var failure = Assert.IsType<DoorCommandOutcome.TransportError>(refused.Outcome);
        output.WriteLine(failure.Describe());
        Assert.Contains($"lock broker {address} not reachable", failure.Message, StringComparison.Ordinal);
        await Eventually.UntilAsync(() => Logged(3604, address), Wait, "the 'lock broker refused the gateway' log line");
        Assert.True(Logged(3604, address), "no 'lock broker refused the gateway' log line");
        // Logged again at each later attempt (5 s, then doubling): the first is enough here.
        var critical = logs.Lines.First(line => line.EventId == 3604);
        output.WriteLine(critical.Message);
        Assert.Equal(LogLevel.Critical, critical.Level);
        Assert.Contains("lock-broker-password", critical.Message, StringComparison.Ordinal);
    }
}
