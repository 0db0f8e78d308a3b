namespace EdgeGate.Devices.Mqtt;

/// <summary>
/// The MQTT client failed: a broker refusal (CONNACK reason), no connection, a lost connection before
/// an acknowledgement, or a timeout. The message says which in plain words.
/// </summary>
public sealed class MqttException : Exception
{
    public MqttException(string message)
        : base(message)
    {
    }

    public MqttException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
