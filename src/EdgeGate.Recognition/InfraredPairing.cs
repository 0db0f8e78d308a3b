using System.Drawing;
using EdgeGate.Capture;
using EdgeGate.Configuration;
using EdgeGate.Core.Recognition;

namespace EdgeGate.Recognition;

/// <summary>
/// The near-infrared cameras paired with colour cameras (<c>Cameras:n:InfraredOf</c>). Each infrared
/// camera's capture writes into its own one-frame hand-off; the recognition loop keeps the newest
/// frame and, for each colour frame with faces, looks for every face at the matching place of an
/// infrared frame of about the same time (<see cref="RecognitionOptions.InfraredMaximumSkew"/>). A
/// phone or tablet screen emits no near infrared, so a face it shows is missing there. The infrared
/// frame is searched once (detection only) however many faces and colour frames ask; an infrared
/// frame replaced by a newer one before it was needed counts as dropped in the camera's health.
/// Used by the recognition loop only; capture threads only write the hand-offs.
/// </summary>
public sealed class InfraredPairing : IDisposable
{
    private readonly Dictionary<string, Pair> byColourCamera = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Pair> byInfraredCamera = new(StringComparer.Ordinal);
    private readonly TimeSpan maximumSkew;
    private readonly double tolerance;

    public InfraredPairing(IReadOnlyList<CameraOptions> cameras, RecognitionOptions options)
    {
        ArgumentNullException.ThrowIfNull(cameras);
        ArgumentNullException.ThrowIfNull(options);
        maximumSkew = options.InfraredMaximumSkew;
        tolerance = options.InfraredMatchTolerance;
        foreach (var camera in cameras)
        {
            if (camera.InfraredOf is null)
            {
                continue;
            }
            var pair = new Pair(camera.Name);
            byColourCamera.Add(camera.InfraredOf, pair);
            byInfraredCamera.Add(camera.Name, pair);
        }
    }

    /// <summary>True when some camera has an infrared camera.</summary>
    public bool Any => byColourCamera.Count > 0;

    /// <summary>Whether <paramref name="cameraName"/> is an infrared camera (its frames are not recognised).</summary>
    public bool IsInfraredCamera(string cameraName) => byInfraredCamera.ContainsKey(cameraName);

    /// <summary>The hand-off an infrared camera's capture writes to.</summary>
    public FrameHandOff HandOffOf(string infraredCamera) =>
        byInfraredCamera.TryGetValue(infraredCamera, out var pair)
            ? pair.HandOff
            : throw new ArgumentException($"camera '{infraredCamera}' is not an infrared camera", nameof(infraredCamera));

    /// <summary>
    /// Sets <see cref="FaceObservation.Infrared"/> of each face of a frame of <paramref name="colourCamera"/>
    /// (<paramref name="frameWidth"/> x <paramref name="frameHeight"/>, arrived at <paramref name="arrivedAt"/>):
    /// <see cref="InfraredEvidence.Confirmed"/> when an infrared face lies at the matching place,
    /// <see cref="InfraredEvidence.NoFace"/> when the infrared frame shows none there,
    /// <see cref="InfraredEvidence.NoFrame"/> without an infrared frame of about the same time.
    /// Cameras without an infrared camera are left as they are.
    /// </summary>
    public void Confirm(string colourCamera, DateTimeOffset arrivedAt, int frameWidth, int frameHeight, List<FaceObservation> faces, IFaceAnalyser analyser)
    {
        ArgumentNullException.ThrowIfNull(faces);
        ArgumentNullException.ThrowIfNull(analyser);
        if (faces.Count == 0 || !byColourCamera.TryGetValue(colourCamera, out var pair))
        {
            return;
        }
        pair.TakeNewest();
        var infrared = pair.Latest;
        if (infrared is null || (infrared.ArrivedAt - arrivedAt).Duration() > maximumSkew)
        {
            for (var i = 0; i < faces.Count; i++)
            {
                faces[i] = faces[i] with { Infrared = InfraredEvidence.NoFrame };
            }
            return;
        }
        if (!pair.Searched)
        {
            analyser.Detect(infrared.Buffer.AsReadOnlySpan(), pair.Faces);
            pair.Searched = true;
            infrared.Camera.CountAnalysed();
        }
        var scaleX = (float)infrared.Buffer.Width / frameWidth;
        var scaleY = (float)infrared.Buffer.Height / frameHeight;
        for (var i = 0; i < faces.Count; i++)
        {
            var box = faces[i].Box;
            var expected = new RectangleF(box.X * scaleX, box.Y * scaleY, box.Width * scaleX, box.Height * scaleY);
            faces[i] = faces[i] with { Infrared = Matches(expected, pair.Faces, tolerance) ? InfraredEvidence.Confirmed : InfraredEvidence.NoFace };
        }
    }

    /// <summary>
    /// True when one of <paramref name="infraredFaces"/> has its centre within <paramref name="tolerance"/>
    /// face widths of <paramref name="expected"/>'s and a size within a factor of two (pure).
    /// </summary>
    public static bool Matches(RectangleF expected, IReadOnlyList<RectangleF> infraredFaces, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(infraredFaces);
        var centreX = expected.X + (expected.Width / 2f);
        var centreY = expected.Y + (expected.Height / 2f);
        var reach = tolerance * Math.Max(expected.Width, expected.Height);
        foreach (var face in infraredFaces)
        {
            var dx = face.X + (face.Width / 2f) - centreX;
            var dy = face.Y + (face.Height / 2f) - centreY;
            var ratio = face.Width / Math.Max(1f, expected.Width);
            if (Math.Sqrt((dx * dx) + (dy * dy)) <= reach && ratio >= 0.5f && ratio <= 2f)
            {
                return true;
            }
        }
        return false;
    }

    public void Dispose()
    {
        foreach (var pair in byInfraredCamera.Values)
        {
            pair.Dispose();
        }
    }

    /// <summary>One infrared camera: its hand-off, the newest frame taken from it and that frame's faces.</summary>
    private sealed class Pair(string infraredCamera) : IDisposable
    {
        public string InfraredCamera { get; } = infraredCamera;

        public FrameHandOff HandOff { get; } = new(1);

        public CapturedFrame? Latest { get; private set; }

        public List<RectangleF> Faces { get; } = [];

        public bool Searched { get; set; }

        /// <summary>Keeps the newest frame the capture handed over (releasing the one before).</summary>
        public void TakeNewest()
        {
            while (HandOff.Reader.TryRead(out var frame))
            {
                Latest?.Release();
                Latest = frame;
                Searched = false;
            }
        }

        public void Dispose()
        {
            TakeNewest();
            Latest?.Release();
            Latest = null;
        }
    }
}
