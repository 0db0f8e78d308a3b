using System.Text.Json;
using EdgeGate.Core.Doors;

namespace EdgeGate.Devices.Mqtt.Locks;

/// <summary>
/// A Zigbee2MQTT lock: <c>zigbee2mqtt/&lt;name&gt;/set</c> with <c>{"state":"UNLOCK"}</c> or
/// <c>{"state":"LOCK"}</c>; the device topic <c>zigbee2mqtt/&lt;name&gt;</c> reports
/// <c>lock_state</c> (<c>locked</c>, <c>unlocked</c>, <c>not_fully_locked</c> = jammed) and <c>state</c>.
/// </summary>
public sealed class Zigbee2MqttLock : MqttLockDoor
{
    private readonly string deviceTopic;

    public Zigbee2MqttLock(IMqttClient client, string deviceName, MqttLockDriverOptions options, TimeProvider timeProvider, string baseTopic = "zigbee2mqtt")
        : base(client, options, timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceName);
        deviceTopic = $"{baseTopic}/{deviceName}";
        StateTopics = [deviceTopic];
    }

    public override DoorDriverCapabilities Capabilities =>
        DoorDriverCapabilities.Pulse | DoorDriverCapabilities.Hold | DoorDriverCapabilities.ConfirmsCommands;

    public override IReadOnlyList<string> StateTopics { get; }

    public string CommandTopic => deviceTopic + "/set";

    protected override MqttLockState? ParseState(string topic, string payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 8 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            if (root.TryGetProperty("lock_state", out var lockState) && lockState.ValueKind == JsonValueKind.String)
            {
                return lockState.GetString() switch
                {
                    "locked" => MqttLockState.Locked,
                    "unlocked" => MqttLockState.Unlocked,
                    "not_fully_locked" => MqttLockState.Jammed,
                    _ => null,
                };
            }
            if (root.TryGetProperty("state", out var state) && state.ValueKind == JsonValueKind.String)
            {
                return state.GetString() switch
                {
                    "LOCK" => MqttLockState.Locked,
                    "UNLOCK" => MqttLockState.Unlocked,
                    _ => null,
                };
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    protected override Task<DoorCommandOutcome> PulseCoreAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        ReleaseHoldRelockAsync(token => CommandAsync(released: true, token), token => CommandAsync(released: false, token), duration, cancellationToken);

    protected override Task<DoorCommandOutcome> SetCoreAsync(bool released, CancellationToken cancellationToken) =>
        CommandAsync(released, cancellationToken);

    private async Task<DoorCommandOutcome> CommandAsync(bool released, CancellationToken cancellationToken)
    {
        ForgetState();
        if (await SendAsync(CommandTopic, released ? """{"state":"UNLOCK"}""" : """{"state":"LOCK"}""", cancellationToken).ConfigureAwait(false) is { } failed)
        {
            return failed;
        }
        return await WaitForStateAsync(
            state => state == (released ? MqttLockState.Unlocked : MqttLockState.Locked),
            released ? "unlocked" : "locked", Options.ConfirmTimeout, cancellationToken).ConfigureAwait(false);
    }
}
