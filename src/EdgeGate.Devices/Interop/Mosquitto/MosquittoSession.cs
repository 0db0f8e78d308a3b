using System.Runtime.InteropServices;
using EdgeGate.Core.Messaging;

namespace EdgeGate.Devices.Interop.Mosquitto;

/// <summary>
/// One native libmosquitto client with its network thread and callbacks. The session is reached from
/// the callbacks through a <see cref="GCHandle"/> passed as the library's user data; callbacks are
/// <see cref="UnmanagedCallersOnlyAttribute"/> statics that copy native data and never let an exception
/// cross into native code. Order of the end: <see cref="RequestDisconnect"/>, <see cref="StopLoop"/>
/// (joins the network thread; never from a callback), then <see cref="Dispose"/> (destroy, free the
/// GCHandle). A session whose thread could not be stopped is abandoned, never destroyed: destroying
/// would cancel a thread that may be running managed code.
/// </summary>
internal sealed unsafe class MosquittoSession : IDisposable
{
    /// <summary>The name libmosquitto 2.0 gives its network thread (pthread_setname_np).</summary>
    private const string NetworkThreadName = "mosquitto loop";

    private readonly IMosquittoSessionListener listener;
    private readonly MosquittoHandle handle;
    private GCHandle self;
    [ThreadStatic]
    private static MosquittoSession? sessionInCallback;

    private static readonly Lock LoopStartLock = new();

    private bool loopRunning;
    private string? networkThreadId;
    private bool disposed;

    private MosquittoSession(IMosquittoSessionListener listener, string? clientId, bool cleanSession)
    {
        this.listener = listener;
        self = GCHandle.Alloc(this);
        handle = NativeMethods.New(clientId, cleanSession, GCHandle.ToIntPtr(self));
        if (handle.IsInvalid)
        {
            var error = Marshal.GetLastPInvokeErrorMessage();
            self.Free();
            throw new MqttException($"mosquitto_new failed (client id '{clientId}', clean session {cleanSession}): {error}");
        }
        MosquittoLibrary.SessionCreated();
        NativeMethods.ConnectCallbackSet(handle, &OnConnectNative);
        NativeMethods.DisconnectCallbackSet(handle, &OnDisconnectNative);
        NativeMethods.PublishCallbackSet(handle, &OnPublishNative);
        NativeMethods.SubscribeCallbackSet(handle, &OnSubscribeNative);
        NativeMethods.MessageCallbackSet(handle, &OnMessageNative);
        NativeMethods.LogCallbackSet(handle, &OnLogNative);
    }

    /// <summary>Creates a native client; <paramref name="clientId"/> null lets the library pick one (clean session only).</summary>
    public static MosquittoSession Create(string? clientId, bool cleanSession, IMosquittoSessionListener listener)
    {
        MosquittoLibrary.EnsureInitialized();
        return new MosquittoSession(listener, clientId, cleanSession);
    }

    /// <summary>True when called from inside one of this session's callbacks (on its network thread).</summary>
    public bool IsInCallback => sessionInCallback == this;

    public void SetCredentials(string username, string? password)
        => MosquittoLibrary.ThrowIfFailed(NativeMethods.UsernamePasswordSet(handle, username, password), "mosquitto_username_pw_set");

    /// <summary>TLS with server verification against <paramref name="caFile"/>, host name checked; optional client certificate.</summary>
    public void ConfigureTls(string caFile, string? certificateFile, string? keyFile)
    {
        MosquittoLibrary.ThrowIfFailed(NativeMethods.TlsSet(handle, caFile, null, certificateFile, keyFile, nint.Zero), "mosquitto_tls_set");
        MosquittoLibrary.ThrowIfFailed(NativeMethods.TlsInsecureSet(handle, false), "mosquitto_tls_insecure_set");
    }

    public void SetWill(string topic, ReadOnlySpan<byte> payload, int qualityOfService, bool retain)
    {
        fixed (byte* data = payload)
        {
            MosquittoLibrary.ThrowIfFailed(NativeMethods.WillSet(handle, topic, payload.Length, data, qualityOfService, retain), "mosquitto_will_set");
        }
    }

    public void SetOption(MosquittoOption option, int value)
        => MosquittoLibrary.ThrowIfFailed(NativeMethods.IntOption(handle, option, value), $"mosquitto_int_option({option})");

    /// <summary>The library's own reconnect pacing (whole seconds, growing up to the maximum).</summary>
    public void SetReconnectDelay(TimeSpan initial, TimeSpan maximum)
    {
        var initialSeconds = (uint)Math.Max(1, Math.Round(initial.TotalSeconds));
        var maximumSeconds = (uint)Math.Max(initialSeconds, Math.Round(maximum.TotalSeconds));
        MosquittoLibrary.ThrowIfFailed(NativeMethods.ReconnectDelaySet(handle, initialSeconds, maximumSeconds, exponentialBackoff: true), "mosquitto_reconnect_delay_set");
    }

    /// <summary>Starts the network thread. Must come before <see cref="BeginConnect"/>.</summary>
    public void StartLoop()
    {
        // libmosquitto names its thread; the one that appears across loop_start is ours. Serialised so
        // that two sessions starting at once cannot take each other's thread.
        lock (LoopStartLock)
        {
            var before = NetworkThreadIds();
            MosquittoLibrary.ThrowIfFailed(NativeMethods.LoopStart(handle), "mosquitto_loop_start");
            loopRunning = true;
            var started = NetworkThreadIds().Except(before).ToList();
            networkThreadId = started.Count == 1 ? started[0] : null;
        }
    }

    /// <summary>
    /// Whether the network thread still runs: after TLS and some protocol errors libmosquitto ends it
    /// without any callback. Null when the thread could not be identified (then only a stall shows it).
    /// </summary>
    public bool? IsNetworkThreadAlive
        => networkThreadId is { } id ? Directory.Exists($"/proc/self/task/{id}") : null;

    /// <summary>Starts connecting; returns a <c>MOSQ_ERR_*</c> code and, when it failed, the reason in words.</summary>
    public int BeginConnect(string host, int port, int keepAliveSeconds, out string errorText)
    {
        var result = NativeMethods.ConnectAsync(handle, host, port, keepAliveSeconds);
        errorText = result switch
        {
            (int)MosquittoError.Success => string.Empty,
            (int)MosquittoError.Errno => Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()),
            _ => MosquittoLibrary.ErrorText(result),
        };
        return result;
    }

    /// <summary>Queues a PUBLISH; returns a <c>MOSQ_ERR_*</c> code and the message id the publish callback will carry.</summary>
    public int Publish(string topic, ReadOnlySpan<byte> payload, int qualityOfService, bool retain, out int messageId)
    {
        fixed (byte* data = payload)
        {
            return NativeMethods.Publish(handle, out messageId, topic, payload.Length, data, qualityOfService, retain);
        }
    }

    /// <summary>Queues a SUBSCRIBE; returns a <c>MOSQ_ERR_*</c> code and the message id the subscribe callback will carry.</summary>
    public int Subscribe(string topicFilter, int qualityOfService, out int messageId)
        => NativeMethods.Subscribe(handle, out messageId, topicFilter, qualityOfService);

    /// <summary>
    /// Sends DISCONNECT (no will) and tells the network thread to end. Non-blocking; allowed inside a
    /// callback. Returns a <c>MOSQ_ERR_*</c> code (NO_CONN when no socket is open, which still stops retries).
    /// </summary>
    public int RequestDisconnect() => NativeMethods.Disconnect(handle);

    /// <summary>Joins the network thread (after <see cref="RequestDisconnect"/>). Blocking; never from a callback.</summary>
    public void StopLoop()
    {
        if (!loopRunning)
        {
            return;
        }
        if (IsInCallback)
        {
            throw new InvalidOperationException("the network thread cannot stop itself (called from a libmosquitto callback)");
        }
        var result = NativeMethods.LoopStop(handle, force: false);
        loopRunning = false;
        MosquittoLibrary.ThrowIfFailed(result, "mosquitto_loop_stop");
    }

    /// <summary>Destroys the native client. Only after <see cref="StopLoop"/> returned (or when the loop never ran).</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }
        if (loopRunning)
        {
            throw new InvalidOperationException("stop the network thread before destroying the session");
        }
        disposed = true;
        handle.Dispose();
        self.Free();
        MosquittoLibrary.SessionDestroyed();
    }

    /// <summary>Linux task ids of the threads libmosquitto named "mosquitto loop".</summary>
    private static HashSet<string> NetworkThreadIds()
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == NetworkThreadName)
                {
                    result.Add(Path.GetFileName(task));
                }
            }
            catch (IOException)
            {
                // The thread ended while the folder was read.
            }
        }
        return result;
    }

    private static MosquittoSession? FromUserData(nint userData)
        => userData == nint.Zero ? null : GCHandle.FromIntPtr(userData).Target as MosquittoSession;

    private void Enter() => sessionInCallback = this;

    private void ReportFailure(Exception exception)
    {
        try
        {
            listener.OnCallbackFailure(this, exception);
        }
        catch (Exception)
        {
            // Nothing may cross into native code; the listener's own failure report failed too.
        }
    }

    [UnmanagedCallersOnly]
    private static void OnConnectNative(nint mosquitto, nint userData, int connackCode)
    {
        MosquittoSession? session = null;
        try
        {
            session = FromUserData(userData);
            if (session is null)
            {
                return;
            }
            session.Enter();
            session.listener.OnConnect(session, connackCode);
        }
        catch (Exception exception)
        {
            session?.ReportFailure(exception);
        }
        finally
        {
            sessionInCallback = null;
        }
    }

    [UnmanagedCallersOnly]
    private static void OnDisconnectNative(nint mosquitto, nint userData, int errorCode)
    {
        MosquittoSession? session = null;
        try
        {
            session = FromUserData(userData);
            if (session is null)
            {
                return;
            }
            session.Enter();
            session.listener.OnDisconnect(session, errorCode);
        }
        catch (Exception exception)
        {
            session?.ReportFailure(exception);
        }
        finally
        {
            sessionInCallback = null;
        }
    }

    [UnmanagedCallersOnly]
    private static void OnPublishNative(nint mosquitto, nint userData, int messageId)
    {
        MosquittoSession? session = null;
        try
        {
            session = FromUserData(userData);
            if (session is null)
            {
                return;
            }
            session.Enter();
            session.listener.OnPublish(session, messageId);
        }
        catch (Exception exception)
        {
            session?.ReportFailure(exception);
        }
        finally
        {
            sessionInCallback = null;
        }
    }

    [UnmanagedCallersOnly]
    private static void OnSubscribeNative(nint mosquitto, nint userData, int messageId, int grantedCount, int* grantedQualities)
    {
        MosquittoSession? session = null;
        try
        {
            session = FromUserData(userData);
            if (session is null)
            {
                return;
            }
            session.Enter();
            var granted = grantedCount > 0 && grantedQualities is not null
                ? new ReadOnlySpan<int>(grantedQualities, grantedCount).ToArray()
                : [];
            session.listener.OnSubscribe(session, messageId, granted);
        }
        catch (Exception exception)
        {
            session?.ReportFailure(exception);
        }
        finally
        {
            sessionInCallback = null;
        }
    }

    [UnmanagedCallersOnly]
    private static void OnMessageNative(nint mosquitto, nint userData, MosquittoMessage* message)
    {
        MosquittoSession? session = null;
        try
        {
            session = FromUserData(userData);
            if (session is null || message is null)
            {
                return;
            }
            session.Enter();
            // The message is freed by the library when this callback returns: copy everything now.
            var topic = Marshal.PtrToStringUTF8((nint)message->Topic) ?? string.Empty;
            var payload = message->PayloadLength > 0 && message->Payload is not null
                ? new ReadOnlySpan<byte>(message->Payload, message->PayloadLength).ToArray()
                : [];
            session.listener.OnMessage(session, topic, payload, message->QualityOfService, message->Retain != 0);
        }
        catch (Exception exception)
        {
            session?.ReportFailure(exception);
        }
        finally
        {
            sessionInCallback = null;
        }
    }

    [UnmanagedCallersOnly]
    private static void OnLogNative(nint mosquitto, nint userData, int level, byte* text)
    {
        // Called for every log line the library formats (one per packet): filter before any copy.
        if ((level & (MosquittoLogLevel.Error | MosquittoLogLevel.Warning)) == 0 || text is null)
        {
            return;
        }
        MosquittoSession? session = null;
        try
        {
            session = FromUserData(userData);
            if (session is null)
            {
                return;
            }
            // Log lines also come from application threads (inside publish, subscribe): no Enter() here.
            session.listener.OnLog(session, level, Marshal.PtrToStringUTF8((nint)text) ?? string.Empty);
        }
        catch (Exception exception)
        {
            session?.ReportFailure(exception);
        }
    }
}
