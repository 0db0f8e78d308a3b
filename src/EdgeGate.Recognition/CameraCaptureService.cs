using EdgeGate.Access;
using EdgeGate.Capture;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Recognition;

/// <summary>
/// Hosts one camera's capture (its own thread, see <see cref="CameraCapture"/>): starts it, logs its
/// state changes (URLs without passwords, repeated failures at a bounded rate), hands them to the
/// <see cref="DeviceAlertService"/> (camera down / restored in the journal), beats the watchdog
/// while the capture thread makes progress, and stops it on shutdown.
/// </summary>
public sealed partial class CameraCaptureService : BackgroundService
{
    /// <summary>While a camera keeps failing, every this-many-th failure is logged again.</summary>
    private const int FailureLogInterval = 15;

    private readonly CameraCapture capture;
    private readonly TimeProvider timeProvider;
    private readonly LoopHeartbeats? heartbeats;
    private readonly DeviceAlertService? alerts;
    private readonly ILogger<CameraCaptureService> logger;
    private readonly string loopName;

    public CameraCaptureService(
        CameraCaptureSettings settings,
        FrameHandOff handOff,
        CameraHealthRegistry registry,
        TimeProvider timeProvider,
        ILogger<CameraCaptureService> logger,
        LoopHeartbeats? heartbeats = null,
        FrameSourceOpener? opener = null,
        DeviceAlertService? alerts = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        this.timeProvider = timeProvider;
        this.logger = logger;
        this.heartbeats = heartbeats;
        this.alerts = alerts;
        capture = new CameraCapture(settings, handOff, timeProvider, opener, OnStateChanged);
        registry.Register(capture);
        loopName = $"capture:{settings.Name}";
    }

    public CameraCapture Capture => capture;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        capture.Start();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), timeProvider);
        try
        {
            do
            {
                if (IsMakingProgress(capture.Health))
                {
                    heartbeats?.Beat(loopName);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        heartbeats?.Retire(loopName);
        try
        {
            await capture.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LogStopTimedOut(capture.Name);
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        // StopAsync has normally stopped the thread already; if not, do not block here: the
        // background thread ends when its current native call returns.
        capture.RequestStop();
    }

    /// <summary>
    /// A capture thread is alive when frames keep coming, or when it keeps cycling through its
    /// attempts; it is hung when a native open or read has blocked far beyond its timeouts.
    /// </summary>
    private bool IsMakingProgress(CameraHealth health)
    {
        var now = timeProvider.GetUtcNow();
        var settings = capture.Settings;
        var slack = settings.OpenTimeout + settings.ReadTimeout + TimeSpan.FromSeconds(5);
        return health.State switch
        {
            CameraState.Streaming => health.LastFrameAt is null || now - health.LastFrameAt.Value < settings.ReadTimeout + slack,
            CameraState.Reconnecting or CameraState.Failed => health.NextAttemptAt is null || now - health.NextAttemptAt.Value < slack,
            _ => true,
        };
    }

    private void OnStateChanged(CameraStateChange change)
    {
        alerts?.OnCameraStateChanged(change);
        switch (change.Current)
        {
            case CameraState.Connecting:
                LogConnecting(change.CameraName, change.Url);
                break;
            case CameraState.Streaming:
                LogStreaming(change.CameraName, change.Url, change.Previous);
                break;
            case CameraState.Reconnecting:
                LogReconnecting(change.CameraName, change.Url, change.Error ?? "", change.RetryIn ?? TimeSpan.Zero);
                break;
            case CameraState.Failed:
                if (change.Previous != CameraState.Failed || change.ConsecutiveFailures % FailureLogInterval == 0)
                {
                    LogFailing(change.CameraName, change.ConsecutiveFailures, change.Url, change.Error ?? "", change.RetryIn ?? TimeSpan.Zero);
                }
                break;
            case CameraState.Stopped:
                LogStopped(change.CameraName);
                break;
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Camera {Camera}: connecting to {Url}")]
    private partial void LogConnecting(string camera, string url);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Camera {Camera}: streaming from {Url} (was {Previous})")]
    private partial void LogStreaming(string camera, string url, CameraState previous);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Camera {Camera}: no stream from {Url}: {Error}; retrying in {RetryIn}")]
    private partial void LogReconnecting(string camera, string url, string error, TimeSpan retryIn);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Camera {Camera}: failing ({Failures} attempts in a row) at {Url}: {Error}; retrying every {RetryIn}")]
    private partial void LogFailing(string camera, int failures, string url, string error, TimeSpan retryIn);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Camera {Camera}: capture stopped")]
    private partial void LogStopped(string camera);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Camera {Camera}: capture thread still blocked in a native read at shutdown")]
    private partial void LogStopTimedOut(string camera);
}
