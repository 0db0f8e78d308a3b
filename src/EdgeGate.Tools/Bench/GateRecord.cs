using System.Globalization;
using System.Threading.Channels;
using EdgeGate.Core.Access;
using EdgeGate.Configuration;
using EdgeGate.Access;

namespace EdgeGate.Tools.Bench;

/// <summary>
/// What <c>bench gate</c> saw, from every side (the stream server, the relay board, the gateway's
/// capture, analysis and decision feed), and how it turns that into one <see cref="GrantTiming"/>
/// per presentation. Times are CLOCK_MONOTONIC microseconds; wall-clock times from the gateway
/// (an attempt's frame arrival, a door command's queueing) are brought onto that clock through the
/// nearest frame noted with both.
/// </summary>
internal sealed class GateRecord
{
    private readonly Lock gate = new();
    private readonly List<FrameRecord> frames = [];
    private readonly List<AnalysisRecord> analyses = [];
    private readonly List<SegmentRecord> segments = [];
    private readonly List<CoilRecord> coils = [];
    private readonly List<FeedRecord> feed = [];

    /// <summary>A line of the Modbus slave: <c>coil &lt;address&gt; &lt;0|1&gt; &lt;monotonic seconds&gt;</c>.</summary>
    public void OnBoardLine(string line)
    {
        var parts = line.Split(' ');
        if (parts.Length == 4 && parts[0] == "coil"
            && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var coil)
            && double.TryParse(parts[3], CultureInfo.InvariantCulture, out var seconds))
        {
            lock (gate)
            {
                coils.Add(new CoilRecord(coil, parts[2] == "1", (long)Math.Round(seconds * 1_000_000)));
            }
        }
    }

    /// <summary>A line of the RTSP server: <c>SEGMENT &lt;path&gt; &lt;image|blank&gt; &lt;index&gt; &lt;monotonic microseconds&gt;</c>.</summary>
    public void OnServerLine(string line)
    {
        var parts = line.Split(' ');
        if (parts.Length == 5 && parts[0] == "SEGMENT" && long.TryParse(parts[4], CultureInfo.InvariantCulture, out var microseconds))
        {
            lock (gate)
            {
                segments.Add(new SegmentRecord(parts[1], parts[2], microseconds));
            }
        }
    }

    public void FrameArrived(FrameRecord frame)
    {
        lock (gate)
        {
            frames.Add(frame);
        }
    }

    public void Analysed(AnalysisRecord analysis)
    {
        lock (gate)
        {
            analyses.Add(analysis);
        }
    }

    public async Task CollectAsync(ChannelReader<DecisionFeedItem> reader)
    {
        await foreach (var item in reader.ReadAllAsync().ConfigureAwait(false))
        {
            lock (gate)
            {
                feed.Add(new FeedRecord(item, BenchClock.NowMicroseconds(), DateTimeOffset.UtcNow));
            }
        }
    }

    public int CamerasWithStampedFrames()
    {
        lock (gate)
        {
            return frames.Select(frame => frame.Camera).Distinct(StringComparer.Ordinal).Count();
        }
    }

    public int SegmentsStarted(string path, string kind)
    {
        lock (gate)
        {
            return segments.Count(segment => segment.Path == path && segment.Kind == kind);
        }
    }

    public GateBenchResult Summarise(GateBenchmarkRun run, EdgeGateSettings settings, TimeSpan startToReady, double processCpuPercent, double loadAverage)
    {
        lock (gate)
        {
            var firstGrants = new List<GrantTiming>();
            var warmGrants = new List<GrantTiming>();
            var perCamera = new List<GateCameraResult>();
            var missed = 0;
            var unexpected = 0;
            var decisions = feed.Where(entry => entry.Item is DecisionMade { Decision.Granted: true }).ToList();
            var doors = feed.Select(entry => entry.Item).OfType<DoorOperated>().ToList();
            for (var index = 0; index < run.Cameras; index++)
            {
                var camera = settings.Cameras[index];
                var path = $"/cam{index + 1}";
                var presentations = Presentations(path, run).Take(run.Presentations + 1).ToList();
                var grantsHere = decisions
                    .Select(entry => (DecisionMade)entry.Item)
                    .Where(made => made.Attempt.DoorName == camera.Door)
                    .Select(made => (Made: made, At: ToMonotonic(made.Attempt.At)))
                    .ToList();
                var claimed = 0;
                var grants = 0;
                for (var number = 0; number < presentations.Count; number++)
                {
                    var (faceFrom, faceUntil, windowEnd) = presentations[number];
                    var decision = grantsHere.Where(grant => grant.At >= faceFrom && grant.At < windowEnd).OrderBy(grant => grant.At).ToList();
                    claimed += decision.Count;
                    unexpected += Math.Max(0, decision.Count - 1);
                    var on = coils.FirstOrDefault(coil => coil.Coil == index && coil.On && coil.ArrivedMicroseconds >= faceFrom && coil.ArrivedMicroseconds < windowEnd);
                    if (on is null)
                    {
                        missed++;
                        continue;
                    }
                    grants++;
                    var timing = Timing(camera.Name, index, number, faceFrom, on.ArrivedMicroseconds, decision.Count == 0 ? null : decision[0].Made, doors);
                    (number == 0 ? firstGrants : warmGrants).Add(timing);
                }
                // Grants for this door outside every presentation (nobody was in view); a camera
                // ahead of the others may have started a presentation beyond the measured ones.
                var measuredUntil = presentations.Count == 0 ? long.MinValue : presentations[^1].WindowEnd;
                unexpected += grantsHere.Count(grant => grant.At < measuredUntil) - claimed;
                perCamera.Add(new GateCameraResult(
                    camera.Name,
                    presentations.Count,
                    grants,
                    presentations.Count - grants,
                    AnalysedRate(index, presentations.Select(window => (window.FaceFrom, window.FaceUntil))),
                    AnalysedRate(index, presentations.Select(window => (window.FaceUntil, window.WindowEnd)))));
            }
            var reasons = feed.Select(entry => entry.Item).OfType<DecisionMade>()
                .GroupBy(made => made.Decision.ReasonCode, StringComparer.Ordinal)
                .OrderBy(group => group.Key, StringComparer.Ordinal)
                .ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal);
            var faces = feed.Select(entry => entry.Item).OfType<DecisionMade>()
                .Select(made => made.Decision.Credential).OfType<FaceCredential>().Where(face => face.PersonId is not null).ToList();
            return new GateBenchResult(
                run, startToReady.TotalMilliseconds, firstGrants, warmGrants, missed, unexpected, reasons,
                Percentiles.Of(faces.Select(face => face.Similarity).ToList()),
                Percentiles.Of(faces.Select(face => face.LivenessScore).ToList()),
                processCpuPercent, loadAverage, perCamera);
        }
    }

    /// <summary>Each face segment of a stream after "start": its first frame, the next blank's first frame, and the next face's (or where it would be).</summary>
    private IEnumerable<(long FaceFrom, long FaceUntil, long WindowEnd)> Presentations(string path, GateBenchmarkRun run)
    {
        var ordered = segments.Where(segment => segment.Path == path).OrderBy(segment => segment.StartedMicroseconds).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].Kind != "image")
            {
                continue;
            }
            var faceFrom = ordered[i].StartedMicroseconds;
            var faceUntil = i + 1 < ordered.Count ? ordered[i + 1].StartedMicroseconds : faceFrom + (long)(run.PresentSeconds * 1_000_000);
            var windowEnd = i + 2 < ordered.Count ? ordered[i + 2].StartedMicroseconds : faceUntil + (long)(run.AbsentSeconds * 1_000_000);
            yield return (faceFrom, faceUntil, windowEnd);
        }
    }

    private GrantTiming Timing(string camera, int stream, int presentation, long faceFrom, long on, DecisionMade? made, List<DoorOperated> doors)
    {
        var total = Milliseconds(on - faceFrom);
        // The frame that decided: the camera's last frame out of the decoder before the attempt's time.
        var frame = made is null ? null : frames.Where(record => record.Camera == camera && record.ArrivedAt <= made.Attempt.At).MaxBy(record => record.ArrivedAt);
        var analysis = frame is null ? null : analyses.FirstOrDefault(record => record.StreamId == stream && record.GlassMicroseconds == frame.GlassMicroseconds);
        var door = made is null ? null : doors.FirstOrDefault(operated => operated.Command.AttemptId == made.Attempt.Id);
        if (frame is null || analysis is null || door is null)
        {
            return new GrantTiming(camera, presentation, total, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }
        var requested = ToMonotonic(door.Command.RequestedAt);
        return new GrantTiming(
            camera,
            presentation,
            total,
            Votes: Milliseconds(frame.GlassMicroseconds - faceFrom),
            GlassToFrame: Milliseconds(frame.ArrivedMicroseconds - frame.GlassMicroseconds),
            FrameQueue: Milliseconds(analysis.StartedMicroseconds - frame.ArrivedMicroseconds),
            Analysis: Milliseconds(analysis.EndedMicroseconds - analysis.StartedMicroseconds),
            DecisionAndJournal: Milliseconds(requested - analysis.EndedMicroseconds),
            DoorCommand: Milliseconds(on - requested));
    }

    /// <summary>Frames of a stream analysed per second whose glass time fell in the given windows.</summary>
    private double AnalysedRate(int stream, IEnumerable<(long From, long Until)> windows)
    {
        var list = windows.ToList();
        var seconds = list.Sum(window => (window.Until - window.From) / 1_000_000.0);
        if (seconds <= 0)
        {
            return double.NaN;
        }
        var count = analyses.Count(record => record.StreamId == stream && list.Any(window => record.GlassMicroseconds >= window.From && record.GlassMicroseconds < window.Until));
        return count / seconds;
    }

    /// <summary>A wall-clock time on the monotonic clock, through the frame noted nearest to it with both clocks.</summary>
    private long ToMonotonic(DateTimeOffset at)
    {
        var nearest = frames.MinBy(frame => Math.Abs((frame.ArrivedAt - at).Ticks))
            ?? throw new InvalidOperationException("no frame was noted: the clocks cannot be related");
        return nearest.ArrivedMicroseconds + (long)(at - nearest.ArrivedAt).TotalMicroseconds;
    }

    private static double Milliseconds(long microseconds) => microseconds / 1000.0;
}
