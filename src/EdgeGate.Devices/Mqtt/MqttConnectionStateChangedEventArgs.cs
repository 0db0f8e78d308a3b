namespace EdgeGate.Devices.Mqtt;

/// <summary>One state change of an <see cref="IMqttClient"/>; <paramref name="Reason"/> says why when it is not Connected.</summary>
public sealed record MqttConnectionStateChangedEventArgs(
    MqttConnectionState PreviousState,
    MqttConnectionState State,
    string? Reason);
