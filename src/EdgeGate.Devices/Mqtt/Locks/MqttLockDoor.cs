using System.Text;
using EdgeGate.Core.Doors;

namespace EdgeGate.Devices.Mqtt.Locks;

/// <summary>Settings shared by the MQTT lock drivers.</summary>
public sealed class MqttLockDriverOptions
{
    /// <summary>How long a command waits for the lock to report the new state.</summary>
    public TimeSpan ConfirmTimeout { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// A smart lock reached over MQTT, on a caller-owned <see cref="IMqttClient"/>. The driver owns no
/// loop: the host feeds it the client's messages through <see cref="TryHandleMessage"/> (see
/// <see cref="MqttLockStateFeed"/>) after <see cref="SubscribeAsync"/>. Lock commands are never
/// published retained (a retained "UNLOCK" would open the door again whenever the lock reconnects).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "A SemaphoreSlim whose wait handle is never used holds no unmanaged resource.")]
public abstract class MqttLockDoor : IDoorDriver
{
    private readonly SemaphoreSlim commandGate = new(1, 1);
    private readonly Lock stateGate = new();
    private TaskCompletionSource stateSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private MqttLockState state = MqttLockState.Unknown;

    protected MqttLockDoor(IMqttClient client, MqttLockDriverOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        Client = client;
        Options = options;
        TimeProvider = timeProvider;
    }

    public abstract DoorDriverCapabilities Capabilities { get; }

    /// <summary>The last state the lock reported.</summary>
    public MqttLockState State
    {
        get
        {
            lock (stateGate)
            {
                return state;
            }
        }
    }

    /// <summary>Raised (on the feeding thread) for every reported state change, including <see cref="MqttLockState.Jammed"/>.</summary>
    public event EventHandler<MqttLockStateChangedEventArgs>? StateChanged;

    /// <summary>Topics whose messages this driver reads.</summary>
    public abstract IReadOnlyList<string> StateTopics { get; }

    protected IMqttClient Client { get; }

    protected MqttLockDriverOptions Options { get; }

    protected TimeProvider TimeProvider { get; }

    /// <summary>Subscribes to <see cref="StateTopics"/> on the client.</summary>
    public async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        foreach (var topic in StateTopics)
        {
            await Client.SubscribeAsync(topic, MqttQualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a message if it is one of this lock's; returns false for any other topic.</summary>
    public bool TryHandleMessage(MqttApplicationMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!StateTopics.Contains(message.Topic, StringComparer.Ordinal))
        {
            return false;
        }
        var text = Encoding.UTF8.GetString(message.Payload.Span);
        if (ParseState(message.Topic, text) is not { } reported)
        {
            return true;
        }
        MqttLockState previous;
        TaskCompletionSource signal;
        lock (stateGate)
        {
            previous = state;
            state = reported;
            signal = stateSignal;
            stateSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        signal.TrySetResult();
        if (previous != reported)
        {
            StateChanged?.Invoke(this, new MqttLockStateChangedEventArgs(previous, reported, text.Length > 256 ? text[..256] : text));
        }
        return true;
    }

    public async Task<DoorCommandOutcome> PulseAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        await commandGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await PulseCoreAsync(duration, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            commandGate.Release();
        }
    }

    public async Task<DoorCommandOutcome> SetAsync(bool released, CancellationToken cancellationToken)
    {
        await commandGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await SetCoreAsync(released, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            commandGate.Release();
        }
    }

    public Task<DoorInputsReading> ReadInputsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(DoorInputsReading.Failed(new DoorCommandOutcome.NotSupported("MQTT locks report no door contact or exit button")));

    /// <summary>The state carried by a message on one of <see cref="StateTopics"/>, or null when it says nothing about the bolt.</summary>
    protected abstract MqttLockState? ParseState(string topic, string payload);

    protected abstract Task<DoorCommandOutcome> PulseCoreAsync(TimeSpan duration, CancellationToken cancellationToken);

    protected abstract Task<DoorCommandOutcome> SetCoreAsync(bool released, CancellationToken cancellationToken);

    /// <summary>Publishes a lock command: QoS 1, never retained; a broker failure becomes a transport error.</summary>
    protected async Task<DoorCommandOutcome?> SendAsync(string topic, string payload, CancellationToken cancellationToken)
    {
        try
        {
            await Client.PublishAsync(topic, Encoding.UTF8.GetBytes(payload), MqttQualityOfService.AtLeastOnce, retain: false, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (MqttException exception)
        {
            return new DoorCommandOutcome.TransportError($"publish to {topic}: {exception.Message}");
        }
    }

    /// <summary>Waits until the reported state satisfies <paramref name="wanted"/> (or the lock jams) within the confirm timeout.</summary>
    protected async Task<DoorCommandOutcome> WaitForStateAsync(Func<MqttLockState, bool> wanted, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = TimeProvider.GetUtcNow() + timeout;
        while (true)
        {
            Task signal;
            MqttLockState current;
            lock (stateGate)
            {
                current = state;
                signal = stateSignal.Task;
            }
            if (wanted(current))
            {
                return new DoorCommandOutcome.Done($"lock reports {current}");
            }
            if (current == MqttLockState.Jammed)
            {
                return new DoorCommandOutcome.Rejected(1, "the lock reports JAMMED");
            }
            var left = deadline - TimeProvider.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return new DoorCommandOutcome.NoResponse(timeout, $"the lock did not report {what} (last state {current})");
            }
            try
            {
                await signal.WaitAsync(left, TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Checked again at the top of the loop.
            }
        }
    }

    /// <summary>Clears the last state so a wait sees only what the lock reports after the next command.</summary>
    protected void ForgetState()
    {
        lock (stateGate)
        {
            if (state != MqttLockState.Jammed)
            {
                state = MqttLockState.Unknown;
            }
        }
    }

    /// <summary>Releases, holds, then relocks; relocks even when the hold is cancelled (then throws).</summary>
    protected async Task<DoorCommandOutcome> ReleaseHoldRelockAsync(
        Func<CancellationToken, Task<DoorCommandOutcome>> release,
        Func<CancellationToken, Task<DoorCommandOutcome>> relock,
        TimeSpan duration,
        CancellationToken cancellationToken)
    {
        DoorCommandOutcome released;
        try
        {
            released = await release(cancellationToken).ConfigureAwait(false);
            if (released.IsDone)
            {
                await Task.Delay(duration, TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            using var relockLimit = new CancellationTokenSource(Options.ConfirmTimeout + TimeSpan.FromSeconds(5));
            await relock(relockLimit.Token).ConfigureAwait(false);
            throw;
        }
        var relocked = await relock(cancellationToken).ConfigureAwait(false);
        return released.IsDone ? relocked : released;
    }
}
