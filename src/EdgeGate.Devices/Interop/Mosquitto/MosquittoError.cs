namespace EdgeGate.Devices.Interop.Mosquitto;

/// <summary><c>enum mosq_err_t</c> (the values the client acts on).</summary>
internal enum MosquittoError
{
    Success = 0,
    NoMemory = 1,
    Protocol = 2,
    Invalid = 3,
    NoConnection = 4,
    ConnectionRefused = 5,
    NotFound = 6,
    ConnectionLost = 7,
    Tls = 8,
    PayloadSize = 9,
    NotSupported = 10,
    Authentication = 11,
    AclDenied = 12,
    Unknown = 13,
    Errno = 14,
    AddressLookup = 15,
    Proxy = 16,
    MalformedUtf8 = 18,
    KeepAlive = 19,
    Lookup = 20,
    TlsHandshake = 23,
}
