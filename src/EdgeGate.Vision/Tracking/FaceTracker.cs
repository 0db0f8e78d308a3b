using System.Drawing;
using EdgeGate.Vision.Presentation;

namespace EdgeGate.Vision.Tracking;

/// <summary>How faces are followed from frame to frame.</summary>
/// <param name="MinimumOverlap">Intersection over union a detection needs with a track's last box to continue it.</param>
/// <param name="MaximumMissedFrames">A track ends after this many analysed frames in a row without its face.</param>
/// <param name="MaximumMissedTime">A track also ends when its face has not been seen for this long
/// (frames stop coming when a camera drops out).</param>
public sealed record TrackerRules(float MinimumOverlap = 0.3f, int MaximumMissedFrames = 5, TimeSpan MaximumMissedTime = default)
{
    public TimeSpan EffectiveMaximumMissedTime => MaximumMissedTime > TimeSpan.Zero ? MaximumMissedTime : TimeSpan.FromSeconds(2);

    public void Validate()
    {
        if (!(MinimumOverlap > 0f && MinimumOverlap <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumOverlap), MinimumOverlap, "must be in (0, 1]");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(MaximumMissedFrames);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaximumMissedTime, TimeSpan.Zero);
    }
}

/// <summary>One followed face: its id, latest box, the vote over its frames and its presentation evidence.</summary>
public sealed class FaceTrack
{
    internal FaceTrack(long id, RectangleF box, DateTimeOffset firstSeenAt, CandidateVoter voter, TrackPresentation presentation)
    {
        Id = id;
        Box = box;
        FirstSeenAt = firstSeenAt;
        LastSeenAt = firstSeenAt;
        Voter = voter;
        Presentation = presentation;
        FramesSeen = 1;
    }

    /// <summary>Unique within one tracker (one camera), increasing from 1.</summary>
    public long Id { get; }

    /// <summary>The box of the latest detection.</summary>
    public RectangleF Box { get; internal set; }

    public DateTimeOffset FirstSeenAt { get; }

    public DateTimeOffset LastSeenAt { get; internal set; }

    public int FramesSeen { get; internal set; }

    /// <summary>Analysed frames in a row without this face (0 when seen in the latest frame).</summary>
    public int MissedFrames { get; internal set; }

    public CandidateVoter Voter { get; }

    /// <summary>Liveness evidence over the track's frames (single-frame checks, motion, blinks, infrared).</summary>
    public TrackPresentation Presentation { get; }
}

/// <summary>
/// Follows faces across the analysed frames of one camera by greedy intersection-over-union
/// association (best overlaps first, each track and detection used once). Pure and
/// single-threaded: one tracker per camera.
/// </summary>
public sealed class FaceTracker
{
    private readonly TrackerRules rules;
    private readonly VoteRules voteRules;
    private readonly PresentationRules presentationRules;
    private readonly List<FaceTrack> tracks = [];
    private readonly List<(float Overlap, int Track, int Detection)> pairs = [];
    private long nextId = 1;

    /// <param name="presentationRules">The rules of each track's <see cref="TrackPresentation"/> (default <see cref="PresentationRules.Default"/>).</param>
    public FaceTracker(TrackerRules rules, VoteRules voteRules, PresentationRules? presentationRules = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(voteRules);
        rules.Validate();
        voteRules.Validate();
        this.presentationRules = presentationRules ?? PresentationRules.Default;
        this.presentationRules.Validate();
        this.rules = rules;
        this.voteRules = voteRules;
    }

    /// <summary>Live tracks (including those that missed a few frames).</summary>
    public IReadOnlyList<FaceTrack> Tracks => tracks;

    /// <summary>
    /// Associates one frame's detections with the tracks. Returns the track of each detection (same
    /// order; new tracks for unmatched detections) and ends tracks missed for too long
    /// (<paramref name="ended"/> receives them when given).
    /// </summary>
    public FaceTrack[] Update(IReadOnlyList<RectangleF> detections, DateTimeOffset frameTime, List<FaceTrack>? ended = null)
    {
        ArgumentNullException.ThrowIfNull(detections);
        var assigned = new FaceTrack?[detections.Count];
        var trackUsed = new bool[tracks.Count];

        pairs.Clear();
        for (var t = 0; t < tracks.Count; t++)
        {
            for (var d = 0; d < detections.Count; d++)
            {
                var overlap = IntersectionOverUnion(tracks[t].Box, detections[d]);
                if (overlap >= rules.MinimumOverlap)
                {
                    pairs.Add((overlap, t, d));
                }
            }
        }
        pairs.Sort((a, b) => b.Overlap.CompareTo(a.Overlap));
        foreach (var (_, t, d) in pairs)
        {
            if (trackUsed[t] || assigned[d] is not null)
            {
                continue;
            }
            trackUsed[t] = true;
            var track = tracks[t];
            track.Box = detections[d];
            track.LastSeenAt = frameTime;
            track.FramesSeen++;
            track.MissedFrames = 0;
            assigned[d] = track;
        }

        for (var t = tracks.Count - 1; t >= 0; t--)
        {
            if (trackUsed[t])
            {
                continue;
            }
            var track = tracks[t];
            track.MissedFrames++;
            if (track.MissedFrames > rules.MaximumMissedFrames || frameTime - track.LastSeenAt > rules.EffectiveMaximumMissedTime)
            {
                tracks.RemoveAt(t);
                ended?.Add(track);
            }
        }

        var result = new FaceTrack[detections.Count];
        for (var d = 0; d < detections.Count; d++)
        {
            var track = assigned[d];
            if (track is null)
            {
                track = new FaceTrack(nextId++, detections[d], frameTime, new CandidateVoter(voteRules), new TrackPresentation(presentationRules));
                tracks.Add(track);
            }
            result[d] = track;
        }
        return result;
    }

    /// <summary>Ends every track not seen since <paramref name="now"/> minus the missed-time limit (frames stopped coming).</summary>
    public void ExpireIdle(DateTimeOffset now, List<FaceTrack>? ended = null)
    {
        for (var t = tracks.Count - 1; t >= 0; t--)
        {
            if (now - tracks[t].LastSeenAt > rules.EffectiveMaximumMissedTime)
            {
                ended?.Add(tracks[t]);
                tracks.RemoveAt(t);
            }
        }
    }

    public static float IntersectionOverUnion(RectangleF first, RectangleF second)
    {
        var width = Math.Min(first.Right, second.Right) - Math.Max(first.Left, second.Left);
        var height = Math.Min(first.Bottom, second.Bottom) - Math.Max(first.Top, second.Top);
        if (width <= 0f || height <= 0f)
        {
            return 0f;
        }
        var intersection = width * height;
        var union = (first.Width * first.Height) + (second.Width * second.Height) - intersection;
        return union <= 0f ? 0f : intersection / union;
    }
}
