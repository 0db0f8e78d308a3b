using System.Numerics;

namespace EdgeGate.Vision.Presentation;

/// <summary>Eye openness from the 68-point landmarks (Soukupová and Čech, 2016).</summary>
public static class EyeAspectRatio
{
    /// <summary>
    /// Eye aspect ratio of one eye given its six points p0–p5 (corner, two upper lid points,
    /// corner, two lower lid points): (|p1 − p5| + |p2 − p4|) / (2 |p0 − p3|). About 0.25–0.35 open,
    /// below about 0.15 closed; 0 for a degenerate eye.
    /// </summary>
    public static float Of(ReadOnlySpan<Vector2> eye)
    {
        if (eye.Length != 6)
        {
            throw new ArgumentException($"six eye points expected, got {eye.Length}", nameof(eye));
        }
        var width = Vector2.Distance(eye[0], eye[3]);
        if (width < 1e-3f)
        {
            return 0f;
        }
        return (Vector2.Distance(eye[1], eye[5]) + Vector2.Distance(eye[2], eye[4])) / (2f * width);
    }

    /// <summary>The mean of both eyes' ratios (points 36–41 and 42–47).</summary>
    public static float OfFace(ReadOnlySpan<Vector2> landmarks)
    {
        if (landmarks.Length < PlanarMotion.LandmarkCount)
        {
            throw new ArgumentException($"{PlanarMotion.LandmarkCount} landmarks expected, got {landmarks.Length}", nameof(landmarks));
        }
        return (Of(landmarks.Slice(36, 6)) + Of(landmarks.Slice(42, 6))) / 2f;
    }
}

/// <summary>When a dip in eye openness counts as a blink.</summary>
/// <param name="ClosedFraction">The eyes count as closed below this fraction of the open level.</param>
/// <param name="ReopenedFraction">…and as open again above this fraction.</param>
/// <param name="MinimumOpenRatio">An open level below this is not trusted (eyes too small or turned away to measure).</param>
/// <param name="MaximumClosedFrames">A longer closure is not a blink (eyes shut, a face turned down, a landmark failure).</param>
public sealed record BlinkRules(float ClosedFraction = 0.65f, float ReopenedFraction = 0.85f, float MinimumOpenRatio = 0.18f, int MaximumClosedFrames = 6)
{
    public void Validate()
    {
        if (!(ClosedFraction > 0 && ClosedFraction < ReopenedFraction && ReopenedFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ClosedFraction), "need 0 < ClosedFraction < ReopenedFraction <= 1");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MinimumOpenRatio);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaximumClosedFrames, 1);
    }
}

/// <summary>
/// Blinks over a track from each frame's eye aspect ratio: open (at the track's open level), then
/// closed (below <see cref="BlinkRules.ClosedFraction"/> of it) for a few frames, then open again.
/// A blink is evidence of a live face (a printed photo cannot blink, a video can); its absence over
/// a second or two says nothing. Pure; one per track.
/// </summary>
public sealed class BlinkDetector
{
    private readonly BlinkRules rules;
    private float openLevel;
    private int closedFrames;
    private bool closed;

    public BlinkDetector(BlinkRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        rules.Validate();
        this.rules = rules;
    }

    public int Blinks { get; private set; }

    /// <summary>Adds a frame's eye aspect ratio (see <see cref="EyeAspectRatio.OfFace"/>).</summary>
    public void Add(float eyeAspectRatio)
    {
        if (!float.IsFinite(eyeAspectRatio) || eyeAspectRatio < 0)
        {
            return;
        }
        if (!closed)
        {
            if (openLevel >= rules.MinimumOpenRatio && eyeAspectRatio < openLevel * rules.ClosedFraction)
            {
                closed = true;
                closedFrames = 1;
                return;
            }
            // The open level follows the eyes up at once and down slowly (a frame of half-closed eyes does not lower it much).
            openLevel = eyeAspectRatio > openLevel ? eyeAspectRatio : (0.9f * openLevel) + (0.1f * eyeAspectRatio);
            return;
        }
        if (eyeAspectRatio >= openLevel * rules.ReopenedFraction)
        {
            closed = false;
            if (closedFrames <= rules.MaximumClosedFrames)
            {
                Blinks++;
            }
            return;
        }
        closedFrames++;
    }
}
