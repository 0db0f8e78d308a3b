using System.Drawing;
using EdgeGate.Core.Recognition;
using EdgeGate.Configuration;
using EdgeGate.Vision.Presentation;
using EdgeGate.Vision.Tracking;

namespace EdgeGate.Recognition;

/// <summary>Where an analysed frame came from.</summary>
public readonly record struct FrameContext(string CameraName, string DoorName, DateTimeOffset ArrivedAt);

/// <summary>What one frame produced (usually nothing).</summary>
public sealed class RecognitionEvents
{
    public List<FaceCandidate> Candidates { get; } = [];

    public List<StrangerSighting> Strangers { get; } = [];

    /// <summary>Faces in the frame that were tracked (large enough).</summary>
    public int TrackedFaces { get; internal set; }

    /// <summary>Faces that were matched against the gallery this frame.</summary>
    public int MatchedFaces { get; internal set; }

    public void Clear()
    {
        Candidates.Clear();
        Strangers.Clear();
        TrackedFaces = 0;
        MatchedFaces = 0;
    }
}

/// <summary>
/// Recognition after face detection: per camera, follow faces across frames, describe (landmarks,
/// embedding, liveness, cues) and match the faces of undecided tracks, check each face's
/// presentation (<see cref="PresentationCheck"/> per frame, accumulated in the track's
/// <see cref="TrackPresentation"/>), vote over the last frames (or decide on one frame,
/// <see cref="OneFrameRule"/>, which reads the same presentation verdict), and turn verdicts into
/// candidates and stranger sightings carrying that evidence. Faces of a track that already produced
/// a candidate are not described or matched again: while a recognised person stays in view, a frame
/// costs detection only. Single-threaded (one recognition loop).
/// </summary>
public sealed class RecognitionEngine
{
    private readonly RecognitionOptions options;
    private readonly IFaceIdentifier identifier;
    private readonly TimeProvider timeProvider;
    private readonly TrackerRules trackerRules;
    private readonly VoteRules voteRules;
    private readonly PresentationRules presentationRules;
    private readonly PresentationCheck presentationCheck;
    private readonly Dictionary<string, FaceTracker> trackers = new(StringComparer.Ordinal);
    private readonly List<RectangleF> boxes = [];
    private readonly List<int> tracked = [];

    public RecognitionEngine(RecognitionOptions options, IFaceIdentifier identifier, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(identifier);
        this.options = options;
        this.identifier = identifier;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        trackerRules = new TrackerRules((float)options.TrackMinimumOverlap, options.TrackMaximumMissedFrames);
        voteRules = new VoteRules(options.VotesRequired, options.VoteWindow, options.SpoofAfterFrames, OneFrameRuleOf(options));
        trackerRules.Validate();
        voteRules.Validate();
        presentationRules = PresentationRulesFor(options);
        presentationCheck = PresentationCheckFor(options);
    }

    /// <summary>The single-frame presentation check of the Recognition section.</summary>
    public static PresentationCheck PresentationCheckFor(RecognitionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new PresentationCheck(options.LivenessThreshold, options.PresentationThreshold);
    }

    /// <summary>The per-track presentation rules of the Recognition section.</summary>
    public static PresentationRules PresentationRulesFor(RecognitionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rules = PresentationRules.Default with
        {
            RequireBlink = options.RequireBlink,
            InfraredFramesToDeny = options.InfraredFramesToDeny,
            MotionCheck = options.PlanarMotionCheck,
        };
        rules.Validate();
        return rules;
    }

    /// <summary>The one-frame rule of the Recognition section (null when one-frame decisions are off).</summary>
    public static OneFrameRule? OneFrameRuleOf(RecognitionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.OneFrameDecisions
            ? new OneFrameRule((float)options.OneFrameSimilarity, (float)options.OneFrameMargin, (float)options.OneFrameLiveness)
            : null;
    }

    /// <summary>Live tracks of a camera (a face is in view while there is one).</summary>
    public int TrackCount(string cameraName) => trackers.TryGetValue(cameraName, out var tracker) ? tracker.Tracks.Count : 0;

    /// <summary>
    /// Processes one frame's faces into <paramref name="events"/> (cleared first). The faces may be
    /// detections only: <paramref name="describe"/> (index in <paramref name="faces"/>) then describes
    /// the ones whose track is undecided; without it the faces must be described already.
    /// <paramref name="snapshot"/> makes a stranger's JPEG from its face box (null = no snapshots).
    /// </summary>
    public void Process(FrameContext frame, IReadOnlyList<FaceObservation> faces, RecognitionEvents events, Func<int, FaceObservation>? describe = null, Func<RectangleF, byte[]?>? snapshot = null)
    {
        ArgumentNullException.ThrowIfNull(faces);
        ArgumentNullException.ThrowIfNull(events);
        events.Clear();
        if (!trackers.TryGetValue(frame.CameraName, out var tracker))
        {
            tracker = new FaceTracker(trackerRules, voteRules, presentationRules);
            trackers.Add(frame.CameraName, tracker);
        }

        boxes.Clear();
        tracked.Clear();
        for (var i = 0; i < faces.Count; i++)
        {
            if (faces[i].SizePixels >= options.MinimumFaceSize)
            {
                boxes.Add(faces[i].Box);
                tracked.Add(i);
            }
        }
        var tracks = tracker.Update(boxes, frame.ArrivedAt);
        events.TrackedFaces = tracks.Length;

        for (var t = 0; t < tracks.Length; t++)
        {
            var track = tracks[t];
            if (track.Voter.CandidateEmitted)
            {
                continue;
            }
            var face = describe is null ? faces[tracked[t]] : describe(tracked[t]);
            if (!face.QualityAccepted || face.Embedding.IsEmpty)
            {
                continue;
            }
            var match = identifier.Identify(face.Embedding.Span);
            events.MatchedFaces++;
            var presentation = track.Presentation;
            var frameCheck = presentationCheck.Evaluate(face.ProbabilityReal, face.Cues);
            var live = presentation.Add(frameCheck, face.Landmarks.Span, face.Infrared);
            var verdict = track.Voter.Add(new FaceVote(
                match.Kind,
                match.Kind == FaceVoteKind.Match ? match.PersonId : null,
                match.Similarity,
                match.Margin,
                frameCheck.LivenessScore,
                live,
                AttackEvidence: presentation.AttackReason is not null));
            switch (verdict.Kind)
            {
                case VoteVerdictKind.Candidate:
                case VoteVerdictKind.SpoofCandidate:
                    var passed = verdict.Kind == VoteVerdictKind.Candidate;
                    events.Candidates.Add(new FaceCandidate(
                        frame.CameraName,
                        frame.DoorName,
                        verdict.PersonId!,
                        verdict.Similarity,
                        verdict.LivenessScore,
                        LivenessPassed: passed,
                        track.Id,
                        verdict.AgreeingFrames,
                        track.FirstSeenAt,
                        frame.ArrivedAt,
                        timeProvider.GetUtcNow(),
                        presentation.Evidence(passed ? PresentationVerdict.BonaFide : PresentationVerdict.Attack)));
                    break;
                case VoteVerdictKind.Stranger:
                    byte[]? jpeg = null;
                    if (options.StrangerSnapshots && snapshot is not null)
                    {
                        jpeg = snapshot(face.Box);
                    }
                    events.Strangers.Add(new StrangerSighting(
                        frame.CameraName,
                        frame.DoorName,
                        track.Id,
                        verdict.Similarity,
                        verdict.LivenessScore,
                        track.FirstSeenAt,
                        frame.ArrivedAt,
                        timeProvider.GetUtcNow(),
                        jpeg,
                        presentation.Evidence(presentation.VerdictSoFar)));
                    break;
                case VoteVerdictKind.None:
                    break;
            }
        }
    }
}
