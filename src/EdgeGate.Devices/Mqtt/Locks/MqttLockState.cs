namespace EdgeGate.Devices.Mqtt.Locks;

/// <summary>What an MQTT lock last reported. <see cref="Jammed"/> is an alert: the bolt did not move.</summary>
public enum MqttLockState
{
    Unknown,
    Locked,
    Unlocked,
    Locking,
    Unlocking,
    Open,
    Opening,
    Jammed,
}

/// <summary>A reported lock state change, with the raw payload for the journal.</summary>
public sealed record MqttLockStateChangedEventArgs(MqttLockState PreviousState, MqttLockState State, string RawPayload);
