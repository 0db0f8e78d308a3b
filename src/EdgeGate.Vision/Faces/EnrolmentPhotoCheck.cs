using EdgeGate.Imaging;
using EdgeGate.Imaging.Interop.OpenCv;

namespace EdgeGate.Vision.Faces;

/// <summary>The verdict on an enrolment photo: accepted with its face, or the reason it is not.</summary>
/// <param name="Verdict">Accepted or why not.</param>
/// <param name="Reason">The reason in plain words (for the operator or resident).</param>
/// <param name="Face">The face when exactly one was found (also when it failed a quality check), else null.</param>
/// <param name="FacesFound">How many faces the photo holds.</param>
public sealed record EnrolmentPhotoResult(FaceQualityVerdict Verdict, string Reason, DetectedFace? Face, int FacesFound)
{
    public bool IsAccepted => Verdict == FaceQualityVerdict.Accepted;

    /// <summary>The verdict as a stable code for machines (<see cref="FaceQualityVerdicts.Code"/>).</summary>
    public string ReasonCode => Verdict.Code();
}

/// <summary>
/// Checks a photo for enrolment: it must decode, hold exactly one face, and that face must pass
/// the quality gate. An accepted result carries the embedding and its model id. The detector looks
/// at the photo inside a plain border (<see cref="BorderFraction"/>): an ID-style crop cut at the
/// forehead or the chin gives it no context, so it finds no face or a second box on part of the
/// face; with the border a single-face photo gives one face. Only enrolment photos get it: the gate camera's frames show the whole head with room around it, and a
/// border would make distant faces smaller to the detector. With the border the detector also finds
/// faces cut by the photo's edge; such a face smaller than a whole face in the photo is a bystander
/// in the background and does not count (see <see cref="Analyse"/>).
/// </summary>
public sealed class EnrolmentPhotoCheck(FacePipeline pipeline, FaceQualityGate gate)
{
    /// <summary>The border on each side, as a fraction of the photo's longer side.</summary>
    public const double BorderFraction = 0.25;

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
        var faces = Analyse(photo);
        var qualities = faces.Count <= 16 ? stackalloc FaceQuality[faces.Count] : new FaceQuality[faces.Count];
        for (var index = 0; index < faces.Count; index++)
        {
            qualities[index] = faces[index].Quality;
        }
        var decision = gate.CheckSingle(qualities);
        var face = faces.Count == 1 ? faces[0] : null;
        return new EnrolmentPhotoResult(decision.Verdict, decision.Describe(gate.Thresholds), face, faces.Count);
    }

    /// <summary>
    /// The faces of a decoded BGR photo as enrolment counts them: found by the detector inside a border
    /// of the photo's mean colour (<see cref="BorderFraction"/> of its longer side on each side), without
    /// the bystanders (<see cref="IsBystander"/>). Positions are in the photo's own pixels (a face cut by
    /// the photo's edge reaches past it).
    /// </summary>
    public IReadOnlyList<DetectedFace> Analyse(ReadOnlyImageSpan photo)
    {
        var border = (int)Math.Ceiling(Math.Max(photo.Width, photo.Height) * BorderFraction);
        var faces = pipeline.Analyse(photo, border);
        var (width, height) = (photo.Width, photo.Height);
        var largestWhole = faces.Where(face => !IsCutByEdge(face, width, height)).Select(face => face.Quality.SizePixels).DefaultIfEmpty(0).Max();
        return faces.Where(face => !IsBystander(face, largestWhole, width, height)).ToList();
    }

    /// <summary>
    /// A face cut by the photo's edge and smaller than the largest whole face
    /// (<paramref name="largestWholeSize"/>; 0 when no face is whole): someone at the side of the
    /// picture behind the person photographed. The person photographed may be cut by the edge too (an
    /// ID-style crop), but is then the largest face.
    /// </summary>
    internal static bool IsBystander(DetectedFace face, int largestWholeSize, int photoWidth, int photoHeight) =>
        IsCutByEdge(face, photoWidth, photoHeight) && face.Quality.SizePixels < largestWholeSize;

    /// <summary>
    /// Whether the detector's box reaches the photo's edge (to within 2 % of its size) or past it: the
    /// detector boxes the visible part of a face cut by the edge, so such a box ends at the edge.
    /// </summary>
    internal static bool IsCutByEdge(DetectedFace face, int photoWidth, int photoHeight)
    {
        var tolerance = 0.02f * Math.Max(face.Box.Width, face.Box.Height);
        return face.Box.X1 <= tolerance || face.Box.Y1 <= tolerance || face.Box.X2 >= photoWidth - tolerance || face.Box.Y2 >= photoHeight - tolerance;
    }
}
