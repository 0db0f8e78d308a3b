using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using EdgeGate.Capture;
using EdgeGate.Configuration;

namespace EdgeGate.Gateway.Doctor;

/// <summary>
/// Each configured camera, opened the way the gateway opens it (<see cref="VideoFrameSource"/>,
/// RTSP over TCP): frames are read for a short while and the resolution and the measured frame
/// rate are reported. An infrared camera (<c>InfraredOf</c>) must also deliver a grey picture, as a
/// near-infrared sensor does: a colour picture means the colour stream was configured twice. URLs
/// are shown without their password.
/// </summary>
public sealed class CameraChecks(IReadOnlyList<CameraOptions> cameras, FrameSourceOpener? opener = null) : IDoctorCheck
{
    /// <summary>Upper bound of one open, whatever the camera's own OpenTimeout.</summary>
    public static readonly TimeSpan MaximumOpenTimeout = TimeSpan.FromSeconds(4);

    /// <summary>Upper bound of the wait for one frame, whatever the camera's own ReadTimeout.</summary>
    public static readonly TimeSpan MaximumReadTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Frames read after the first one before counting starts: a stream begins with a burst of buffered frames.</summary>
    public static readonly TimeSpan WarmUpTime = TimeSpan.FromSeconds(0.5);

    /// <summary>How long frames are counted after the warm-up.</summary>
    public static readonly TimeSpan MeasuringTime = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Mean colourfulness (largest minus smallest channel, grey levels) above which a picture is in
    /// colour. A near-infrared stream is grey (0–2 after compression); a colour scene measures 15 and more.
    /// </summary>
    public const double MaximumInfraredColourfulness = 6.0;

    private readonly FrameSourceOpener opener = opener ?? VideoFrameSource.Opener();

    public async IAsyncEnumerable<DoctorFinding> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var index = 0; index < cameras.Count; index++)
        {
            yield return await CheckAsync(cameras[index], index, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<DoctorFinding> CheckAsync(CameraOptions camera, int index, CancellationToken cancellationToken)
    {
        var subject = $"camera {camera.Name}";
        var url = CameraUrl.Redact(camera.Url);
        var openTimeout = Min(camera.OpenTimeout, MaximumOpenTimeout);
        var readTimeout = Min(camera.ReadTimeout, MaximumReadTimeout);
        // Opens and reads block in native code and cannot be aborted: they run on their own thread,
        // and a camera that hangs beyond every timeout is reported and left behind.
        var probe = Task.Factory.StartNew(
            () => Probe(camera.Url, openTimeout, readTimeout),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        var bound = openTimeout + readTimeout + WarmUpTime + MeasuringTime + readTimeout + TimeSpan.FromSeconds(2);
        CameraProbe result;
        try
        {
            result = await probe.WaitAsync(bound, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return DoctorFinding.Failure(subject, $"{url} did not answer within {Seconds(bound)} s (the capture call is stuck)",
                $"check that the camera at {HostOf(camera.Url)} is powered and reachable from this box, then run doctor again");
        }

        var key = $"Cameras:{index}";
        switch (result.Outcome)
        {
            case CameraProbeOutcome.CannotOpen:
                return DoctorFinding.Failure(subject, $"cannot open {url}: {CameraUrl.RedactIn(result.Error ?? "", camera.Url)}",
                    $"check the address, port and path in {key}:Url (try the URL in VLC or ffplay from this box), " +
                    "the camera's user and password, and that the camera is powered and on this network");
            case CameraProbeOutcome.NoFrame:
                return DoctorFinding.Failure(subject, $"{url} opened, but no frame came within {Seconds(readTimeout)} s",
                    $"check the stream path in {key}:Url (main or sub stream), that the camera sends H.264 or H.265, and its network link");
        }

        var text = string.Create(CultureInfo.InvariantCulture,
            $"{result.Width}x{result.Height} at {result.FramesPerSecond:0.0} fps (measured over {result.Measured.TotalSeconds:0.0} s) from {url}");
        if (result.Stalled)
        {
            return DoctorFinding.Failure(subject, $"{text}, then the stream stopped",
                "the stream breaks off: check the camera's network link (cable, Wi-Fi, switch) and its load");
        }
        if (camera.InfraredOf is { } colourCamera)
        {
            subject = $"camera {camera.Name} (infrared of {colourCamera})";
            var colourfulness = string.Create(CultureInfo.InvariantCulture, $"colourfulness {result.Colourfulness:0.0}");
            if (result.Colourfulness > MaximumInfraredColourfulness)
            {
                return DoctorFinding.Failure(subject, $"{text}: the picture is in colour ({colourfulness}), not a near-infrared picture",
                    $"{key}:Url must be the terminal's infrared (grey) stream, not its colour stream; check the stream path in the terminal's manual");
            }
            text = $"{text}, grey picture ({colourfulness})";
        }
        return result.FramesPerSecond + 0.5 < camera.AnalyseFps
            ? DoctorFinding.Warning(subject, string.Create(CultureInfo.InvariantCulture, $"{text}: fewer than the {camera.AnalyseFps:0.#} fps to analyse ({key}:AnalyseFps)"),
                "raise the camera's frame rate in its web page, or lower AnalyseFps")
            : DoctorFinding.Ok(subject, text);
    }

    private CameraProbe Probe(string url, TimeSpan openTimeout, TimeSpan readTimeout)
    {
        IFrameSource source;
        try
        {
            source = opener(url, openTimeout, readTimeout);
        }
        catch (Exception exception)
        {
            // Whatever failed (refused, not found, the shim missing) is reported, never thrown.
            return new CameraProbe(CameraProbeOutcome.CannotOpen, exception.Message);
        }
        using (source)
        {
            var frame = new BgrFrameBuffer();
            if (!source.TryRead(frame))
            {
                return new CameraProbe(CameraProbeOutcome.NoFrame, null);
            }
            var warmUp = Stopwatch.GetTimestamp();
            var stalled = false;
            while (!stalled && Stopwatch.GetElapsedTime(warmUp) < WarmUpTime)
            {
                stalled = !source.Grab();
            }
            var first = Stopwatch.GetTimestamp();
            var last = first;
            var frames = 0;
            while (!stalled && Stopwatch.GetElapsedTime(first) < MeasuringTime)
            {
                if (!source.Grab())
                {
                    stalled = true;
                    break;
                }
                frames++;
                last = Stopwatch.GetTimestamp();
            }
            var measured = Stopwatch.GetElapsedTime(first, last);
            var framesPerSecond = measured > TimeSpan.Zero ? frames / measured.TotalSeconds : 0;
            // The picture is judged on a frame from after the measuring (the first ones can be a blank start).
            if (!stalled && !source.TryRead(frame))
            {
                stalled = true;
            }
            return new CameraProbe(CameraProbeOutcome.Streaming, null, frame.Width, frame.Height, framesPerSecond, measured, stalled, Colourfulness(frame));
        }
    }

    /// <summary>Mean of (largest − smallest channel) over a grid of about 10,000 pixels of a BGR frame.</summary>
    public static double Colourfulness(BgrFrameBuffer frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!frame.HasFrame)
        {
            return 0;
        }
        var image = frame.AsReadOnlySpan();
        var step = Math.Max(1, (int)Math.Sqrt((double)image.Width * image.Height / 10_000));
        long sum = 0;
        var count = 0;
        for (var y = 0; y < image.Height; y += step)
        {
            var row = image.Row(y);
            for (var x = 0; x < image.Width; x += step)
            {
                int b = row[x * 3], g = row[(x * 3) + 1], r = row[(x * 3) + 2];
                sum += Math.Max(b, Math.Max(g, r)) - Math.Min(b, Math.Min(g, r));
                count++;
            }
        }
        return count == 0 ? 0 : (double)sum / count;
    }

    private static string HostOf(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Host.Length > 0 ? uri.Host : "its address";

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private enum CameraProbeOutcome
    {
        CannotOpen,
        NoFrame,
        Streaming,
    }

    private sealed record CameraProbe(
        CameraProbeOutcome Outcome,
        string? Error,
        int Width = 0,
        int Height = 0,
        double FramesPerSecond = 0,
        TimeSpan Measured = default,
        bool Stalled = false,
        double Colourfulness = 0);
}
