using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using EdgeGate.Capture;
using EdgeGate.Core;
using EdgeGate.Devices.Mqtt.Locks;
using EdgeGate.Storage;
using EdgeGate.Storage.Journal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Access;

/// <summary>
/// Journals what devices report on their own, outside any decision: a camera that went down (its
/// capture failed several attempts in a row) and came back, a lock that reports JAMMED and recovered.
/// Going down and jamming take the alert lane (uploaded first, never aged out); recoveries are routine
/// events. Reports come in on device threads and are only queued there; this loop writes them in
/// order and retries while the storage fails.
/// </summary>
public sealed partial class DeviceAlertService(EdgeGateDatabase database, TimeProvider timeProvider, ILogger<DeviceAlertService> logger) : BackgroundService
{
    public const int SchemaVersion = 1;
    public const string CameraDownType = "camera_down";
    public const string CameraRestoredType = "camera_restored";
    public const string LockJammedType = "lock_jammed";
    public const string LockRecoveredType = "lock_recovered";

    private const int MaximumDetailLength = 500;
    /// <summary>The pauses while the storage fails: 1 s doubling up to a minute, jittered.</summary>
    private static readonly RetryPacing Pacing = RetryPacing.Doubling(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Unbounded on purpose: only state transitions are queued (a few a day), and a capture thread or
    // the lock feed must never wait for the journal.
    private readonly Channel<JournalDraft> pending = Channel.CreateUnbounded<JournalDraft>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, bool> camerasDown = new(StringComparer.Ordinal);

    /// <summary>Called by a camera's capture on every state change.</summary>
    public void OnCameraStateChanged(CameraStateChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Current == CameraState.Failed && camerasDown.TryAdd(change.CameraName, true))
        {
            Queue(JournalLane.Alert, CameraDownType, new CameraPayload(SchemaVersion, change.CameraName, change.ConsecutiveFailures, Shorten(change.Error)));
        }
        else if (change.Current == CameraState.Streaming && camerasDown.TryRemove(change.CameraName, out _))
        {
            Queue(JournalLane.Event, CameraRestoredType, new CameraPayload(SchemaVersion, change.CameraName, null, null));
        }
    }

    /// <summary>Called by the lock broker loop for every state an MQTT lock reports.</summary>
    public void OnLockStateChanged(string door, MqttLockStateChangedEventArgs change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.State == MqttLockState.Jammed)
        {
            Queue(JournalLane.Alert, LockJammedType, new LockPayload(SchemaVersion, door, StateName(change.State), StateName(change.PreviousState), Shorten(change.RawPayload)));
        }
        else if (change.PreviousState == MqttLockState.Jammed)
        {
            Queue(JournalLane.Event, LockRecoveredType, new LockPayload(SchemaVersion, door, StateName(change.State), StateName(change.PreviousState), Shorten(change.RawPayload)));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // A write that failed (logged by TryRecordAsync) is tried again until it is in the journal.
            var recording = RetryPipeline.Create<bool>(Pacing, timeProvider, isTransient: outcome => outcome.Result is false);
            await foreach (var draft in pending.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await recording.ExecuteAsync(
                    static (state, token) => new ValueTask<bool>(state.Service.TryRecordAsync(state.Draft, token)),
                    (Service: this, Draft: draft),
                    stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: record what is still queued, once each.
            while (pending.Reader.TryRead(out var draft))
            {
                await TryRecordAsync(draft, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async Task<bool> TryRecordAsync(JournalDraft draft, CancellationToken cancellationToken)
    {
        try
        {
            var seq = await database.Journal.AppendAsync(draft, cancellationToken).ConfigureAwait(false);
            LogRecorded(logger, draft.Type, seq);
            return true;
        }
        catch (StorageException exception)
        {
            LogRecordFailed(logger, exception, draft.Type);
            return false;
        }
    }

    private void Queue<T>(JournalLane lane, string type, T payload) =>
        pending.Writer.TryWrite(new JournalDraft(lane, type, timeProvider.GetUtcNow(), JsonSerializer.Serialize(payload, Json)));

    private static string StateName(MqttLockState state) => state.ToString().ToLowerInvariant();

    private static string? Shorten(string? text) =>
        text is null || text.Length <= MaximumDetailLength ? text : text[..MaximumDetailLength];

    private sealed record CameraPayload(int Schema, string Camera, int? Failures, string? Error);

    private sealed record LockPayload(int Schema, string Door, string State, string PreviousState, string? Reported);

    [LoggerMessage(EventId = 3700, Level = LogLevel.Information, Message = "Device report {Type} journaled as seq {Seq}")]
    private static partial void LogRecorded(ILogger logger, string type, long seq);

    [LoggerMessage(EventId = 3701, Level = LogLevel.Critical, Message = "Device report {Type} could not be journaled; retrying")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, string type);
}

public static class DeviceAlertRegistration
{
    /// <summary>Registers <see cref="DeviceAlertService"/> once (as itself and as a hosted service); needs the database.</summary>
    public static IServiceCollection AddDeviceAlerts(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DeviceAlertService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DeviceAlertService>(provider => provider.GetRequiredService<DeviceAlertService>()));
        return services;
    }
}
