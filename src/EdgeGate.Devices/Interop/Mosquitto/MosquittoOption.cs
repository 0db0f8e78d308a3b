namespace EdgeGate.Devices.Interop.Mosquitto;

/// <summary><c>enum mosq_opt_t</c> (the values used here).</summary>
internal enum MosquittoOption
{
    ProtocolVersion = 1,
    ReceiveMaximum = 4,
    SendMaximum = 5,
    TcpNoDelay = 11,
}
