using System.ComponentModel.DataAnnotations;
using EdgeGate.Gallery;
using EdgeGate.Vision.Presentation;

namespace EdgeGate.Configuration;

/// <summary>Section <c>Recognition</c>: match thresholds and the per-track vote. Calibrate per site.</summary>
public sealed class RecognitionOptions
{
    public const string SectionName = "Recognition";

    /// <summary>
    /// Cosine similarity a face must reach to count as a person. The default is the threshold for a
    /// false-accept rate of 1e-3 per comparison on the project's labelled photos and the reference faces
    /// (docs/recognition-thresholds.md); set the site's own with <c>edgegate calibrate --target-far 1e-4</c>.
    /// </summary>
    [Range(0.0, 1.0)]
    public double MatchThreshold { get; set; } = DefaultMatchThreshold;

    /// <summary>The shipped <see cref="MatchThreshold"/> (docs/recognition-thresholds.md says how it was derived).</summary>
    public const double DefaultMatchThreshold = 0.411;

    /// <summary>Required lead of the best person over the second-best.</summary>
    [Range(0.0, 1.0)]
    public double Margin { get; set; } = 0.05;

    /// <summary>
    /// P(real) the liveness model alone must reach where the image cues are not measured; with
    /// them, <see cref="PresentationThreshold"/> decides (docs/presentation-attacks.md).
    /// </summary>
    [Range(0.0, 1.0)]
    public double LivenessThreshold { get; set; } = 0.5;

    /// <summary>
    /// P(bona fide) the combined single-frame presentation check (liveness model and image cues)
    /// must reach; below it the frame counts as failing liveness. Fitted with
    /// <c>edgegate eval --attacks</c> (its <c>refit</c>) for a BPCER of about 3% on the fitting identities.
    /// </summary>
    [Range(0.0, 1.0)]
    public double PresentationThreshold { get; set; } = PresentationCheckWeights.ShippedThreshold;

    /// <summary>A face counts as live only after a blink is seen on its track (slower; for doors that want it).</summary>
    public bool RequireBlink { get; set; }

    /// <summary>Landmark motion that fits a plane (a photo or screen moved in front of the camera) denies the track as a spoof.</summary>
    public bool PlanarMotionCheck { get; set; } = true;

    /// <summary>An infrared frame confirms a face only if it arrived within this time of the colour frame.</summary>
    /// <value>more than 0, at most 2 s</value>
    public TimeSpan InfraredMaximumSkew { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>How far (in face widths) the infrared face's centre may lie from the colour face's matching place.</summary>
    [Range(0.1, 2.0)]
    public double InfraredMatchTolerance { get; set; } = 0.5;

    /// <summary>Infrared frames showing no face where the colour camera sees one that make the track a spoof.</summary>
    [Range(1, 30)]
    public int InfraredFramesToDeny { get; set; } = 3;

    /// <summary>
    /// How the gallery stores templates. Int8 takes a quarter of the memory and searches 100,000
    /// templates in about 2 ms instead of 12 ms (`edgegate bench gallery`), with the same best match for
    /// enrolled faces and similarities within 0.002; Float32 is exact and ample for a few thousand residents.
    /// </summary>
    public GalleryPrecision GalleryPrecision { get; set; } = GalleryPrecision.Float32;

    /// <summary>A candidate is emitted once this many of the last <see cref="VoteWindow"/> frames agree.</summary>
    [Range(1, 30)]
    public int VotesRequired { get; set; } = 3;

    /// <summary>The frames of a track the vote looks at.</summary>
    /// <value>at least VotesRequired</value>
    [Range(1, 60)]
    public int VoteWindow { get; set; } = 5;

    /// <summary>
    /// Decide on one frame when the match is unambiguous (<see cref="OneFrameSimilarity"/>,
    /// <see cref="OneFrameMargin"/>, <see cref="OneFrameLiveness"/>); marginal faces still vote.
    /// The rule and its evidence: docs/recognition-latency.md.
    /// </summary>
    public bool OneFrameDecisions { get; set; } = true;

    /// <summary>Similarity one frame must reach to decide alone (at least <see cref="MatchThreshold"/>).</summary>
    [Range(0.0, 1.0)]
    public double OneFrameSimilarity { get; set; } = 0.6;

    /// <summary>Lead over the second-best person one frame must have to decide alone (at least <see cref="Margin"/>).</summary>
    [Range(0.0, 1.0)]
    public double OneFrameMargin { get; set; } = 0.15;

    /// <summary>P(real) one frame must reach to decide alone (at least <see cref="LivenessThreshold"/>).</summary>
    [Range(0.0, 1.0)]
    public double OneFrameLiveness { get; set; } = 0.8;

    /// <summary>Faces smaller than this (square box side, pixels) are skipped.</summary>
    [Range(20, 2000)]
    public int MinimumFaceSize { get; set; } = 60;

    /// <summary>Keep a JPEG snapshot of strangers (size- and retention-limited).</summary>
    public bool StrangerSnapshots { get; set; }

    /// <summary>How long stranger snapshots are kept.</summary>
    /// <value>more than 0</value>
    public TimeSpan SnapshotRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Largest stranger snapshot (JPEG bytes); bigger ones are re-encoded smaller or skipped.</summary>
    [Range(4096, 1048576)]
    public int SnapshotMaximumBytes { get; set; } = 65536;

    /// <summary>All stranger snapshots together may take at most this much disk; the oldest go first.</summary>
    [Range(1048576, long.MaxValue)]
    public long SnapshotStorageLimitBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Intersection over union a face needs with its last box to stay the same track.</summary>
    [Range(0.05, 1.0)]
    public double TrackMinimumOverlap { get; set; } = 0.3;

    /// <summary>A track ends after this many analysed frames in a row without its face (it then counts as a new presence).</summary>
    [Range(0, 100)]
    public int TrackMaximumMissedFrames { get; set; } = 5;

    /// <summary>A track matching one person without passing liveness is reported as a spoof after this many frames (0 = twice VoteWindow).</summary>
    [Range(0, 600)]
    public int SpoofAfterFrames { get; set; }

    /// <summary>
    /// Frames that may wait for analysis, per camera; when full the oldest is dropped (and counted).
    /// 1 keeps latency lowest (measured: frame latency p50 131 ms with 1, 251 ms with 2 on a loaded box).
    /// </summary>
    [Range(1, 16)]
    public int FrameQueuePerCamera { get; set; } = 1;
}
