using System.Numerics;
using EdgeGate.Core.Recognition;
using EdgeGate.Imaging;
using EdgeGate.Vision.Faces;

namespace EdgeGate.Vision.Presentation;

/// <summary>How one pair of frames' landmarks moved, in eye distances of the reference frame.</summary>
/// <param name="Motion">RMS residual of the best similarity (shift, turn, zoom): the motion a flat picture turned in its own plane cannot make.</param>
/// <param name="PlanarResidual">RMS residual of the best homography: what a plane (photo, screen), however tilted, cannot explain.</param>
public readonly record struct LandmarkMotion(double Motion, double PlanarResidual)
{
    /// <summary>The share of the motion that no plane explains (0 = perfectly planar).</summary>
    public double ParallaxShare => Motion > 0 ? PlanarResidual / Motion : 0;
}

/// <summary>
/// Thresholds of the planar-motion test, in eye distances. A photo or a screen moves as a plane, so
/// a homography maps its landmarks from one frame to another up to the landmark model's jitter; a
/// head turning shows parallax (the nose tip moves against the cheeks) that no homography explains.
/// Only frames whose landmarks moved more than a similarity explains (<see cref="MinimumMotion"/>,
/// above the jitter) tell that a sheet was tilted: a face that only shifts, turns in the image plane
/// or comes closer looks the same either way. A sheet must be tilted by roughly 30° for its
/// foreshortening to clear the jitter of a 64-pixel landmark model; a head shows parallax sooner.
/// </summary>
/// <param name="MinimumMotion">Motion beyond a similarity a frame pair needs to count as a tilt.</param>
/// <param name="MaximumPlanarShare">A tilted pair is planar when the homography leaves at most this share of that motion.</param>
/// <param name="MinimumParallaxResidual">A pair shows parallax when the homography leaves at least this much (well above the jitter).</param>
/// <param name="PairsToDecide">Planar pairs needed before a planar verdict.</param>
public sealed record PlanarMotionRules(
    double MinimumMotion = 0.03,
    double MaximumPlanarShare = 0.5,
    double MinimumParallaxResidual = 0.025,
    int PairsToDecide = 2)
{
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MinimumMotion);
        if (!(MaximumPlanarShare > 0 && MaximumPlanarShare < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaximumPlanarShare), MaximumPlanarShare, "must be in (0, 1)");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MinimumParallaxResidual);
        ArgumentOutOfRangeException.ThrowIfLessThan(PairsToDecide, 1);
    }
}

/// <summary>
/// Landmark motion between frames (pure). Uses the points that move rigidly with the skull — jaw
/// line, brows, nose, eye corners — and leaves out the eyelids and the mouth, which move on their own.
/// </summary>
public static class PlanarMotion
{
    /// <summary>Rigid points of the 68-point iBUG layout: jaw 0–16, brows 17–26, nose 27–35, eye corners 36, 39, 42, 45.</summary>
    public static ReadOnlySpan<byte> RigidPoints =>
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
        17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
        27, 28, 29, 30, 31, 32, 33, 34, 35,
        36, 39, 42, 45,
    ];

    /// <summary>Landmarks a face needs for the test (the 68-point layout).</summary>
    public const int LandmarkCount = 68;

    /// <summary>Copies the rigid points of <paramref name="landmarks"/> (68) into <paramref name="destination"/>.</summary>
    public static void SelectRigid(ReadOnlySpan<Vector2> landmarks, Span<Vector2> destination)
    {
        if (landmarks.Length < LandmarkCount)
        {
            throw new ArgumentException($"{LandmarkCount} landmarks expected, got {landmarks.Length}", nameof(landmarks));
        }
        var rigid = RigidPoints;
        if (destination.Length < rigid.Length)
        {
            throw new ArgumentException($"room for {rigid.Length} points needed", nameof(destination));
        }
        for (var i = 0; i < rigid.Length; i++)
        {
            destination[i] = landmarks[rigid[i]];
        }
    }

    /// <summary>
    /// How <paramref name="current"/> moved from <paramref name="reference"/> (same points, same
    /// order), scaled by <paramref name="eyeDistance"/> of the reference. False when the points are degenerate.
    /// </summary>
    public static bool TryMeasure(ReadOnlySpan<Vector2> reference, ReadOnlySpan<Vector2> current, float eyeDistance, out LandmarkMotion motion)
    {
        motion = default;
        if (reference.Length != current.Length || reference.Length < 5 || !(eyeDistance > 0))
        {
            return false;
        }
        // The eye distance is positive, so the reference points do not all coincide.
        var similarity = SimilarityTransform.Estimate(reference, current);
        if (!Homography.TryFit(reference, current, out var homography))
        {
            return false;
        }
        double similaritySum = 0;
        double homographySum = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            similaritySum += (similarity.Apply(reference[i]) - current[i]).LengthSquared();
            var mapped = homography.Apply(reference[i]);
            var difference = mapped - current[i];
            homographySum += difference.LengthSquared();
        }
        motion = new LandmarkMotion(
            Math.Sqrt(similaritySum / reference.Length) / eyeDistance,
            Math.Sqrt(homographySum / reference.Length) / eyeDistance);
        return double.IsFinite(motion.Motion) && double.IsFinite(motion.PlanarResidual);
    }

    /// <summary>Distance between the eye centres (points 36–41 and 42–47) of a 68-point face.</summary>
    public static float EyeDistance(ReadOnlySpan<Vector2> landmarks)
    {
        if (landmarks.Length < LandmarkCount)
        {
            throw new ArgumentException($"{LandmarkCount} landmarks expected, got {landmarks.Length}", nameof(landmarks));
        }
        var left = Vector2.Zero;
        var right = Vector2.Zero;
        for (var i = 0; i < 6; i++)
        {
            left += landmarks[36 + i];
            right += landmarks[42 + i];
        }
        return Vector2.Distance(left / 6f, right / 6f);
    }
}

/// <summary>
/// The planar-motion test over one track: each frame's rigid landmarks are compared with the
/// track's first frame. A pair whose motion no homography explains shows parallax; a pair tilted
/// beyond a similarity whose motion a homography explains is planar. Parallax in any pair wins (a
/// head can hold still, a photo cannot show parallax); planar needs
/// <see cref="PlanarMotionRules.PairsToDecide"/> planar pairs and no parallax. Reuses the landmarks
/// the pipeline computed; allocates only at construction.
/// </summary>
public sealed class PlanarMotionTracker
{
    private readonly PlanarMotionRules rules;
    private readonly Vector2[] reference = new Vector2[PlanarMotion.RigidPoints.Length];
    private readonly Vector2[] current = new Vector2[PlanarMotion.RigidPoints.Length];
    private float referenceEyeDistance;
    private bool haveReference;

    public PlanarMotionTracker(PlanarMotionRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        rules.Validate();
        this.rules = rules;
    }

    public int PlanarPairs { get; private set; }

    public int ParallaxPairs { get; private set; }

    /// <summary>The largest motion seen against the first frame (eye distances).</summary>
    public double LargestMotion { get; private set; }

    /// <summary>The parallax share of the most recent informative pair (null before one).</summary>
    public double? LastParallaxShare { get; private set; }

    public MotionEvidence Evidence =>
        ParallaxPairs > 0 ? MotionEvidence.Parallax
        : PlanarPairs >= rules.PairsToDecide ? MotionEvidence.Planar
        : MotionEvidence.NotEnoughMotion;

    /// <summary>Adds one frame's 68 landmarks (frame pixels).</summary>
    public void Add(ReadOnlySpan<Vector2> landmarks)
    {
        if (!haveReference)
        {
            PlanarMotion.SelectRigid(landmarks, reference);
            referenceEyeDistance = PlanarMotion.EyeDistance(landmarks);
            haveReference = referenceEyeDistance > 0;
            return;
        }
        PlanarMotion.SelectRigid(landmarks, current);
        if (!PlanarMotion.TryMeasure(reference, current, referenceEyeDistance, out var motion))
        {
            return;
        }
        LargestMotion = Math.Max(LargestMotion, motion.Motion);
        if (motion.PlanarResidual >= rules.MinimumParallaxResidual)
        {
            LastParallaxShare = motion.ParallaxShare;
            ParallaxPairs++;
        }
        else if (motion.Motion >= rules.MinimumMotion && motion.ParallaxShare <= rules.MaximumPlanarShare)
        {
            LastParallaxShare = motion.ParallaxShare;
            PlanarPairs++;
        }
    }
}
