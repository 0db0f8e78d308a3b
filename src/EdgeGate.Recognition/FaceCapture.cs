namespace EdgeGate.Recognition;

/// <summary>
/// A face crop taken from a camera's recent frames for enrolment at the gate camera (JPEG), with what the
/// recognition loop knew of it: the face's side in the crop, how many faces of tracked size were in view,
/// and whether the loop's quality gate accepted it (sharp and frontal enough).
/// </summary>
public sealed record FaceCapture(string CameraName, DateTimeOffset TakenAt, int FaceSizePixels, int FacesInView, bool QualityAccepted, byte[] Jpeg);

/// <summary>The recent faces of each camera, as the recognition loop keeps them (see <see cref="FaceCaptures"/>).</summary>
public interface IFaceCaptures
{
    bool HasCamera(string cameraName);

    /// <summary>The best recent crop of the face in view of <paramref name="cameraName"/>; null when no face is in view.</summary>
    FaceCapture? TakeBest(string cameraName);
}
