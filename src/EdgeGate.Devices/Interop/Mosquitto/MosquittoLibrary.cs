using System.Runtime.InteropServices;
using EdgeGate.Core.Messaging;

namespace EdgeGate.Devices.Interop.Mosquitto;

/// <summary>
/// Process-wide libmosquitto state: <c>mosquitto_lib_init</c> once before the first client (it is not
/// thread safe, hence the lock), <c>mosquitto_lib_cleanup</c> once at process exit; version and the
/// library's static error strings.
/// </summary>
internal static unsafe class MosquittoLibrary
{
    private static readonly Lock InitializationLock = new();
    private static bool initialized;
    private static int liveSessions;

    /// <summary>Oldest library this binding is written against (2.0: connect callback semantics, options).</summary>
    public static readonly Version MinimumVersion = new(2, 0, 0);

    public static void EnsureInitialized()
    {
        lock (InitializationLock)
        {
            if (initialized)
            {
                return;
            }
            var version = GetVersion();
            if (version < MinimumVersion)
            {
                throw new MqttException($"libmosquitto {version} is too old: {MinimumVersion} or newer is needed");
            }
            var result = NativeMethods.LibraryInitialize();
            if (result != 0)
            {
                throw CreateException(result, "mosquitto_lib_init");
            }
            initialized = true;
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                // Cleaning up under a running network thread (TLS state) could crash the exit: only when none is left.
                if (Volatile.Read(ref liveSessions) == 0)
                {
                    NativeMethods.LibraryCleanup();
                }
            };
        }
    }

    /// <summary>Counts native clients that exist, so the exit-time cleanup never runs under one.</summary>
    public static void SessionCreated() => Interlocked.Increment(ref liveSessions);

    public static void SessionDestroyed() => Interlocked.Decrement(ref liveSessions);

    /// <summary>The loaded library's version (e.g. 2.0.11).</summary>
    public static Version GetVersion()
    {
        NativeMethods.LibraryVersion(out var major, out var minor, out var revision);
        return new Version(major, minor, revision);
    }

    /// <summary><c>mosquitto_strerror</c>: a static string, copied, never freed.</summary>
    public static string ErrorText(int errorCode)
        => Marshal.PtrToStringUTF8((nint)NativeMethods.StrError(errorCode)) ?? $"error {errorCode}";

    /// <summary><c>mosquitto_connack_string</c>: a static string, copied, never freed.</summary>
    public static string ConnackText(int connackCode)
        => Marshal.PtrToStringUTF8((nint)NativeMethods.ConnackString(connackCode)) ?? $"CONNACK {connackCode}";

    public static MqttException CreateException(int errorCode, string operation)
        => new($"{operation} failed: {ErrorText(errorCode)} (MOSQ_ERR {errorCode})", errorCode);

    public static void ThrowIfFailed(int errorCode, string operation)
    {
        if (errorCode != (int)MosquittoError.Success)
        {
            throw CreateException(errorCode, operation);
        }
    }
}
