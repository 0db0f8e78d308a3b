using EdgeGate.Vision.Imaging;
using EdgeGate.Vision.Interop.OpenCv;

namespace EdgeGate.Vision.Faces;

/// <summary>The verdict on an enrolment photo: accepted with its face, or the reason it is not.</summary>
/// <param name="Verdict">Accepted or why not.</param>
/// <param name="Reason">The reason in plain words (for the operator or resident).</param>
/// <param name="Face">The face when exactly one was found (also when it failed a quality check), else null.</param>
/// <param name="FacesFound">How many faces the photo holds.</param>
public sealed record EnrolmentPhotoResult(FaceQualityVerdict Verdict, string Reason, DetectedFace? Face, int FacesFound)
{
    public bool IsAccepted => Verdict == FaceQualityVerdict.Accepted;
}

/// <summary>
/// Checks a photo for enrolment: it must decode, hold exactly one face, and that face must pass
/// the quality gate. An accepted result carries the embedding and its model id.
/// </summary>
public sealed class EnrolmentPhotoCheck(FacePipeline pipeline, FaceQualityGate gate)
{
    public FaceQualityGate Gate => gate;

    /// <summary>
    /// Large JPEGs are decoded at a reduced size whose longer side is still at least this many
    /// pixels: decoding a 14 MP phone photo in full takes longer than the whole face pipeline.
    /// </summary>
    public const int ReducedDecodeLongSide = 1024;

    /// <summary>
    /// Checks an encoded photo (JPEG, PNG); undecodable bytes give <see cref="FaceQualityVerdict.UnreadableImage"/>.
    /// A large JPEG is checked at a reduced size first; a photo refused there is checked again in full,
    /// so reducing never refuses a photo the full size accepts (a small face in a wide shot).
    /// </summary>
    public EnrolmentPhotoResult Check(ReadOnlySpan<byte> encodedPhoto)
    {
        // A missing shim is broken infrastructure, not a bad photo: let that exception through.
        OpenCvLibrary.EnsureLoaded();
        var reduced = Decode(encodedPhoto, ReducedDecodeLongSide, out var unreadable);
        if (reduced is null)
        {
            return unreadable!;
        }
        using (reduced)
        {
            var result = Check(reduced.AsReadOnlySpan());
            var wasReduced = JpegHeader.TryReadSize(encodedPhoto, out var width, out var height)
                && Math.Max(reduced.Width, reduced.Height) < Math.Max(width, height);
            if (result.IsAccepted || !wasReduced)
            {
                return result;
            }
        }
        using var full = Decode(encodedPhoto, 0, out unreadable);
        return full is null ? unreadable! : Check(full.AsReadOnlySpan());
    }

    private BgrImage? Decode(ReadOnlySpan<byte> encodedPhoto, int minimumLongSide, out EnrolmentPhotoResult? unreadable)
    {
        unreadable = null;
        try
        {
            return BgrImage.Decode(encodedPhoto, minimumLongSide);
        }
        catch (OpenCvException exception)
        {
            unreadable = new EnrolmentPhotoResult(
                FaceQualityVerdict.UnreadableImage,
                $"{new FaceQualityDecision(FaceQualityVerdict.UnreadableImage, -1).Describe(gate.Thresholds)} ({exception.Message})",
                null,
                0);
            return null;
        }
    }

    /// <summary>Checks a decoded BGR photo.</summary>
    public EnrolmentPhotoResult Check(ReadOnlyImageSpan photo)
    {
        var faces = pipeline.Analyse(photo);
        Span<FaceQuality> qualities = faces.Count <= 16 ? stackalloc FaceQuality[faces.Count] : new FaceQuality[faces.Count];
        for (var index = 0; index < faces.Count; index++)
        {
            qualities[index] = faces[index].Quality;
        }
        var decision = gate.CheckSingle(qualities);
        var face = faces.Count == 1 ? faces[0] : null;
        return new EnrolmentPhotoResult(decision.Verdict, decision.Describe(gate.Thresholds), face, faces.Count);
    }
}
