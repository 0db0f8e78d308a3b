namespace EdgeGate.Devices.Interop.Mosquitto;

/// <summary>
/// Receives a <see cref="MosquittoSession"/>'s callbacks, already copied into managed values. Every
/// method runs on libmosquitto's network thread: it must return quickly, never block on I/O or on
/// other managed work, never stop the loop or destroy the session.
/// </summary>
internal interface IMosquittoSessionListener
{
    /// <summary>A CONNACK arrived: 0 accepted, 1–5 refused (MQTT 3.1.1 return codes).</summary>
    void OnConnect(MosquittoSession session, int connackCode);

    /// <summary>The connection ended: 0 when asked for, else a <c>MOSQ_ERR_*</c> code.</summary>
    void OnDisconnect(MosquittoSession session, int errorCode);

    /// <summary>A publish finished: QoS 0 written to the socket, QoS 1 acknowledged (PUBACK).</summary>
    void OnPublish(MosquittoSession session, int messageId);

    /// <summary>A SUBACK arrived; a granted QoS of 128 means refused.</summary>
    void OnSubscribe(MosquittoSession session, int messageId, int[] grantedQualities);

    void OnMessage(MosquittoSession session, string topic, byte[] payload, int qualityOfService, bool retain);

    /// <summary>Library log lines of level error or warning (e.g. the OpenSSL reason of a TLS failure).</summary>
    void OnLog(MosquittoSession session, int level, string text);

    /// <summary>A listener method threw; the exception stops at the native boundary and lands here.</summary>
    void OnCallbackFailure(MosquittoSession session, Exception exception);
}
