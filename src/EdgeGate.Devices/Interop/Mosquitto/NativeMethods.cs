using System.Runtime.InteropServices;

namespace EdgeGate.Devices.Interop.Mosquitto;

/// <summary>
/// libmosquitto (Eclipse Mosquitto's C client, Debian package libmosquitto1). Loaded by its soname:
/// Debian ships no unversioned <c>libmosquitto.so</c> without the -dev package, and a literal name
/// containing ".so" is passed to dlopen as is, so no resolver is needed.
/// </summary>
internal static unsafe partial class NativeMethods
{
    internal const string Library = "libmosquitto.so.1";

    [LibraryImport(Library, EntryPoint = "mosquitto_lib_init")]
    internal static partial int LibraryInitialize();

    [LibraryImport(Library, EntryPoint = "mosquitto_lib_cleanup")]
    internal static partial int LibraryCleanup();

    [LibraryImport(Library, EntryPoint = "mosquitto_lib_version")]
    internal static partial int LibraryVersion(out int major, out int minor, out int revision);

    [LibraryImport(Library, EntryPoint = "mosquitto_new", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial MosquittoHandle New(string? clientId, [MarshalAs(UnmanagedType.U1)] bool cleanSession, nint userData);

    [LibraryImport(Library, EntryPoint = "mosquitto_destroy")]
    internal static partial void Destroy(nint mosquitto);

    [LibraryImport(Library, EntryPoint = "mosquitto_username_pw_set", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int UsernamePasswordSet(MosquittoHandle mosquitto, string? username, string? password);

    [LibraryImport(Library, EntryPoint = "mosquitto_tls_set", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int TlsSet(MosquittoHandle mosquitto, string? caFile, string? caPath, string? certificateFile, string? keyFile, nint passwordCallback);

    [LibraryImport(Library, EntryPoint = "mosquitto_tls_insecure_set")]
    internal static partial int TlsInsecureSet(MosquittoHandle mosquitto, [MarshalAs(UnmanagedType.U1)] bool insecure);

    [LibraryImport(Library, EntryPoint = "mosquitto_will_set", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int WillSet(MosquittoHandle mosquitto, string topic, int payloadLength, byte* payload, int qualityOfService, [MarshalAs(UnmanagedType.U1)] bool retain);

    [LibraryImport(Library, EntryPoint = "mosquitto_int_option")]
    internal static partial int IntOption(MosquittoHandle mosquitto, MosquittoOption option, int value);

    [LibraryImport(Library, EntryPoint = "mosquitto_reconnect_delay_set")]
    internal static partial int ReconnectDelaySet(MosquittoHandle mosquitto, uint reconnectDelaySeconds, uint reconnectDelayMaximumSeconds, [MarshalAs(UnmanagedType.U1)] bool exponentialBackoff);

    [LibraryImport(Library, EntryPoint = "mosquitto_connect_async", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int ConnectAsync(MosquittoHandle mosquitto, string host, int port, int keepAliveSeconds);

    [LibraryImport(Library, EntryPoint = "mosquitto_disconnect")]
    internal static partial int Disconnect(MosquittoHandle mosquitto);

    [LibraryImport(Library, EntryPoint = "mosquitto_loop_start")]
    internal static partial int LoopStart(MosquittoHandle mosquitto);

    [LibraryImport(Library, EntryPoint = "mosquitto_loop_stop")]
    internal static partial int LoopStop(MosquittoHandle mosquitto, [MarshalAs(UnmanagedType.U1)] bool force);

    [LibraryImport(Library, EntryPoint = "mosquitto_publish", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Publish(MosquittoHandle mosquitto, out int messageId, string topic, int payloadLength, byte* payload, int qualityOfService, [MarshalAs(UnmanagedType.U1)] bool retain);

    [LibraryImport(Library, EntryPoint = "mosquitto_subscribe", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Subscribe(MosquittoHandle mosquitto, out int messageId, string topicFilter, int qualityOfService);

    [LibraryImport(Library, EntryPoint = "mosquitto_connect_callback_set")]
    internal static partial void ConnectCallbackSet(MosquittoHandle mosquitto, delegate* unmanaged<nint, nint, int, void> callback);

    [LibraryImport(Library, EntryPoint = "mosquitto_disconnect_callback_set")]
    internal static partial void DisconnectCallbackSet(MosquittoHandle mosquitto, delegate* unmanaged<nint, nint, int, void> callback);

    [LibraryImport(Library, EntryPoint = "mosquitto_publish_callback_set")]
    internal static partial void PublishCallbackSet(MosquittoHandle mosquitto, delegate* unmanaged<nint, nint, int, void> callback);

    [LibraryImport(Library, EntryPoint = "mosquitto_message_callback_set")]
    internal static partial void MessageCallbackSet(MosquittoHandle mosquitto, delegate* unmanaged<nint, nint, MosquittoMessage*, void> callback);

    [LibraryImport(Library, EntryPoint = "mosquitto_subscribe_callback_set")]
    internal static partial void SubscribeCallbackSet(MosquittoHandle mosquitto, delegate* unmanaged<nint, nint, int, int, int*, void> callback);

    [LibraryImport(Library, EntryPoint = "mosquitto_log_callback_set")]
    internal static partial void LogCallbackSet(MosquittoHandle mosquitto, delegate* unmanaged<nint, nint, int, byte*, void> callback);

    /// <summary>A static string owned by the library: never free it.</summary>
    [LibraryImport(Library, EntryPoint = "mosquitto_strerror")]
    internal static partial byte* StrError(int errorCode);

    /// <summary>A static string owned by the library: never free it.</summary>
    [LibraryImport(Library, EntryPoint = "mosquitto_connack_string")]
    internal static partial byte* ConnackString(int connackCode);
}
