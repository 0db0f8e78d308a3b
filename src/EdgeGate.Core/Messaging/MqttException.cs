namespace EdgeGate.Core.Messaging;

/// <summary>
/// The MQTT client failed: the native library's error (its code and message), a broker refusal
/// (CONNACK reason), a lost connection before an acknowledgement, or a timeout.
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

    public MqttException(string message, int nativeErrorCode)
        : base(message)
    {
        NativeErrorCode = nativeErrorCode;
    }

    /// <summary>The library's error code (libmosquitto <c>MOSQ_ERR_*</c>), or null when none applies.</summary>
    public int? NativeErrorCode { get; }
}
