namespace EdgeGate.Vision.Faces;

/// <summary>Why a photo or frame is not used (or <see cref="Accepted"/>).</summary>
public enum FaceQualityVerdict
{
    Accepted,
    NoFace,
    SeveralFaces,
    TooSmall,
    TooBlurred,
    TooTurned,

    /// <summary>The photo could not be decoded (enrolment only).</summary>
    UnreadableImage,
}

/// <summary>Stable machine codes of the verdicts (API answers, platform answers, logs).</summary>
public static class FaceQualityVerdicts
{
    /// <summary>
    /// <c>accepted</c>, <c>no_face</c>, <c>several_faces</c>, <c>too_small</c>, <c>too_blurred</c>,
    /// <c>pose</c> (head turned too far) or <c>unreadable_image</c>.
    /// </summary>
    public static string Code(this FaceQualityVerdict verdict) => verdict switch
    {
        FaceQualityVerdict.Accepted => "accepted",
        FaceQualityVerdict.NoFace => "no_face",
        FaceQualityVerdict.SeveralFaces => "several_faces",
        FaceQualityVerdict.TooSmall => "too_small",
        FaceQualityVerdict.TooBlurred => "too_blurred",
        FaceQualityVerdict.TooTurned => "pose",
        FaceQualityVerdict.UnreadableImage => "unreadable_image",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "unknown verdict"),
    };
}

/// <summary>
/// Thresholds of the quality gate: configuration, not model facts. The defaults suit enrolment
/// photos and gate cameras at 720p; sharpness is measured on the 112×112 aligned face.
/// </summary>
public sealed record FaceQualityThresholds
{
    /// <summary>Smallest square face box side in pixels.</summary>
    public int MinimumSizePixels { get; init; } = 64;

    /// <summary>Smallest variance of the Laplacian of the aligned grey face.</summary>
    public double MinimumSharpness { get; init; } = 40.0;

    /// <summary>Largest head turn (|yaw|) in degrees.</summary>
    public double MaximumYawDegrees { get; init; } = 35.0;

    public void Validate()
    {
        if (MinimumSizePixels < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumSizePixels), MinimumSizePixels, "must be at least 1");
        }
        if (!(MinimumSharpness >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumSharpness), MinimumSharpness, "must not be negative");
        }
        if (!(MaximumYawDegrees is > 0 and <= 90))
        {
            throw new ArgumentOutOfRangeException(nameof(MaximumYawDegrees), MaximumYawDegrees, "must be in (0, 90]");
        }
    }
}

/// <summary>The outcome of a quality check: the verdict, and the face it concerns when there is one.</summary>
/// <param name="Verdict">Accepted or the reason for rejection.</param>
/// <param name="FaceIndex">Index of the face the verdict is about; −1 for <see cref="FaceQualityVerdict.NoFace"/> and <see cref="FaceQualityVerdict.SeveralFaces"/>.</param>
public readonly record struct FaceQualityDecision(FaceQualityVerdict Verdict, int FaceIndex)
{
    public bool IsAccepted => Verdict == FaceQualityVerdict.Accepted;

    /// <summary>The reason in plain words, for an operator or a resident enrolling a photo.</summary>
    public string Describe(FaceQualityThresholds thresholds) => Verdict switch
    {
        FaceQualityVerdict.Accepted => "accepted",
        FaceQualityVerdict.NoFace => "no face found",
        FaceQualityVerdict.SeveralFaces => "more than one face: use a photo of one person",
        FaceQualityVerdict.TooSmall => $"the face is too small (under {thresholds.MinimumSizePixels} pixels)",
        FaceQualityVerdict.TooBlurred => "the face is too blurred",
        FaceQualityVerdict.TooTurned => $"the head is turned more than {thresholds.MaximumYawDegrees:0} degrees: look at the camera",
        FaceQualityVerdict.UnreadableImage => "the photo cannot be read: not a JPEG or PNG image, or damaged",
        _ => Verdict.ToString(),
    };
}

/// <summary>
/// Quality gate: decides whether a face is good enough to enrol or to recognise. Enrolment needs
/// exactly one good face; the gate camera skips frames whose faces all fail.
/// </summary>
public sealed class FaceQualityGate
{
    public FaceQualityGate(FaceQualityThresholds? thresholds = null)
    {
        Thresholds = thresholds ?? new FaceQualityThresholds();
        Thresholds.Validate();
    }

    public FaceQualityThresholds Thresholds { get; }

    /// <summary>One face: size first, then pose, then sharpness.</summary>
    public FaceQualityVerdict Check(FaceQuality quality)
    {
        if (quality.SizePixels < Thresholds.MinimumSizePixels)
        {
            return FaceQualityVerdict.TooSmall;
        }
        if (!(Math.Abs(quality.YawDegrees) <= Thresholds.MaximumYawDegrees))
        {
            return FaceQualityVerdict.TooTurned;
        }
        if (!(quality.Sharpness >= Thresholds.MinimumSharpness))
        {
            return FaceQualityVerdict.TooBlurred;
        }
        return FaceQualityVerdict.Accepted;
    }

    /// <summary>Enrolment: exactly one face, and it passes <see cref="Check(FaceQuality)"/>.</summary>
    public FaceQualityDecision CheckSingle(ReadOnlySpan<FaceQuality> faces) => faces.Length switch
    {
        0 => new FaceQualityDecision(FaceQualityVerdict.NoFace, -1),
        1 => new FaceQualityDecision(Check(faces[0]), 0),
        _ => new FaceQualityDecision(FaceQualityVerdict.SeveralFaces, -1),
    };

    /// <summary>
    /// Gate camera: the largest face that passes; when none passes, the verdict of the largest face
    /// (or <see cref="FaceQualityVerdict.NoFace"/>), so the frame is skipped with a reason.
    /// </summary>
    public FaceQualityDecision CheckBest(ReadOnlySpan<FaceQuality> faces)
    {
        if (faces.Length == 0)
        {
            return new FaceQualityDecision(FaceQualityVerdict.NoFace, -1);
        }
        var best = -1;
        var largest = 0;
        for (var index = 0; index < faces.Length; index++)
        {
            if (faces[index].SizePixels > faces[largest].SizePixels)
            {
                largest = index;
            }
            if (Check(faces[index]) == FaceQualityVerdict.Accepted && (best < 0 || faces[index].SizePixels > faces[best].SizePixels))
            {
                best = index;
            }
        }
        return best >= 0
            ? new FaceQualityDecision(FaceQualityVerdict.Accepted, best)
            : new FaceQualityDecision(Check(faces[largest]), largest);
    }
}
