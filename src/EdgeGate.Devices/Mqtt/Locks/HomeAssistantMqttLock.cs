using EdgeGate.Core.Doors;

namespace EdgeGate.Devices.Mqtt.Locks;

/// <summary>
/// Home Assistant's MQTT lock: <c>LOCK</c>/<c>UNLOCK</c>/<c>OPEN</c> on the command topic; the state
/// topic reports <c>LOCKED</c>, <c>UNLOCKED</c>, <c>LOCKING</c>, <c>UNLOCKING</c>, <c>OPEN</c>,
/// <c>OPENING</c> or <c>JAMMED</c>. Without a state topic the lock is optimistic: commands are sent,
/// not confirmed.
/// </summary>
public sealed class HomeAssistantMqttLock : MqttLockDoor
{
    private readonly string commandTopic;
    private readonly string? stateTopic;
    private readonly bool pulseWithOpen;

    public HomeAssistantMqttLock(IMqttClient client, string commandTopic, string? stateTopic, bool pulseWithOpen, MqttLockDriverOptions options, TimeProvider timeProvider)
        : base(client, options, timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commandTopic);
        this.commandTopic = commandTopic;
        this.stateTopic = string.IsNullOrWhiteSpace(stateTopic) ? null : stateTopic;
        this.pulseWithOpen = pulseWithOpen;
        StateTopics = this.stateTopic is null ? [] : [this.stateTopic];
    }

    public override DoorDriverCapabilities Capabilities =>
        DoorDriverCapabilities.Pulse | DoorDriverCapabilities.Hold | (stateTopic is null ? 0 : DoorDriverCapabilities.ConfirmsCommands);

    public override IReadOnlyList<string> StateTopics { get; }

    protected override MqttLockState? ParseState(string topic, string payload) => payload.Trim().ToUpperInvariant() switch
    {
        "LOCKED" => MqttLockState.Locked,
        "UNLOCKED" => MqttLockState.Unlocked,
        "LOCKING" => MqttLockState.Locking,
        "UNLOCKING" => MqttLockState.Unlocking,
        "OPEN" => MqttLockState.Open,
        "OPENING" => MqttLockState.Opening,
        "JAMMED" => MqttLockState.Jammed,
        _ => null,
    };

    protected override Task<DoorCommandOutcome> PulseCoreAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        ReleaseHoldRelockAsync(
            token => CommandAsync(pulseWithOpen ? "OPEN" : "UNLOCK", released: true, token),
            token => CommandAsync("LOCK", released: false, token),
            duration,
            cancellationToken);

    protected override Task<DoorCommandOutcome> SetCoreAsync(bool released, CancellationToken cancellationToken) =>
        CommandAsync(released ? "UNLOCK" : "LOCK", released, cancellationToken);

    private async Task<DoorCommandOutcome> CommandAsync(string payload, bool released, CancellationToken cancellationToken)
    {
        ForgetState();
        if (await SendAsync(commandTopic, payload, cancellationToken).ConfigureAwait(false) is { } failed)
        {
            return failed;
        }
        if (stateTopic is null)
        {
            return new DoorCommandOutcome.Done($"{payload} sent (no state topic: not confirmed)");
        }
        return await WaitForStateAsync(
            state => released ? state is MqttLockState.Unlocked or MqttLockState.Open : state == MqttLockState.Locked,
            released ? "UNLOCKED" : "LOCKED", Options.ConfirmTimeout, cancellationToken).ConfigureAwait(false);
    }
}
