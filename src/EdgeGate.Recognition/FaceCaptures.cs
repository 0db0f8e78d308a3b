using System.Drawing;
using EdgeGate.Imaging;

namespace EdgeGate.Recognition;

/// <summary>
/// Recent face crops of each camera, for enrolment at the gate camera ("stand in front of the camera"):
/// the recognition loop offers each analysed frame with its faces; while a face of tracked size is in
/// view, a crop around the largest one (twice its box, at most <see cref="MaximumCropSide"/> pixels a
/// side) is copied into a ring of <see cref="CropsPerCamera"/> slots. The ring empties as soon as no face
/// was seen for <see cref="LostAfter"/>, or the largest face moved to another place (another person), so
/// nothing outlives the face in view; crops older than <see cref="KeptFor"/> are never used. Memory is
/// bounded: per camera at most <see cref="CropsPerCamera"/> × <see cref="MaximumCropSide"/>² × 3 bytes.
/// The JPEG is encoded on the requesting thread. Thread-safe: one recognition loop offers, requests take.
/// </summary>
public sealed class FaceCaptures : IFaceCaptures
{
    public const int CropsPerCamera = 4;

    /// <summary>Larger crops are scaled down to this side (the face in it stays well above enrolment's minimum).</summary>
    public const int MaximumCropSide = 640;

    /// <summary>Only crops this recent are candidates for a capture.</summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromSeconds(3);

    /// <summary>The ring empties when no face was in view for this long (the track ended).</summary>
    public static readonly TimeSpan LostAfter = TimeSpan.FromSeconds(1);

    /// <summary>The largest face overlapping the previous one less than this is taken for another person.</summary>
    private const float SameFaceOverlap = 0.2f;

    private const int JpegQuality = 95;

    private readonly Dictionary<string, Ring> rings;
    private readonly int minimumFaceSize;
    private readonly TimeProvider timeProvider;

    public FaceCaptures(IEnumerable<string> cameraNames, int minimumFaceSize, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(cameraNames);
        ArgumentNullException.ThrowIfNull(timeProvider);
        this.minimumFaceSize = minimumFaceSize;
        this.timeProvider = timeProvider;
        rings = cameraNames.Distinct(StringComparer.Ordinal).ToDictionary(name => name, _ => new Ring(), StringComparer.Ordinal);
    }

    public bool HasCamera(string cameraName) => rings.ContainsKey(cameraName);

    /// <summary>
    /// Called by the recognition loop with each analysed frame (BGR) and its faces. Copies one crop when a
    /// face of tracked size is in view; never waits for a request (a frame arriving while one encodes is skipped).
    /// </summary>
    public void Offer(string cameraName, ReadOnlyImageSpan frame, IReadOnlyList<FaceObservation> faces, DateTimeOffset arrivedAt)
    {
        ArgumentNullException.ThrowIfNull(faces);
        if (!rings.TryGetValue(cameraName, out var ring) || !ring.Gate.TryEnter())
        {
            return;
        }
        try
        {
            var now = timeProvider.GetTimestamp();
            var largest = -1;
            var inView = 0;
            for (var i = 0; i < faces.Count; i++)
            {
                if (faces[i].SizePixels >= minimumFaceSize)
                {
                    inView++;
                    if (largest < 0 || faces[i].SizePixels > faces[largest].SizePixels)
                    {
                        largest = i;
                    }
                }
            }
            if (largest < 0)
            {
                if (ring.Count > 0 && timeProvider.GetElapsedTime(ring.LastFaceAt, now) > LostAfter)
                {
                    ring.Clear();
                }
                return;
            }
            var face = faces[largest];
            if (ring.Count > 0 && Overlap(ring.LastBox, face.Box) < SameFaceOverlap)
            {
                ring.Clear();
            }
            ring.LastFaceAt = now;
            ring.LastBox = face.Box;
            ring.Add(frame, face, inView, arrivedAt, now);
        }
        finally
        {
            ring.Gate.Exit();
        }
    }

    /// <summary>
    /// The best crop of the face in view (quality accepted before refused, then the largest, then the
    /// newest) as JPEG; null when no face of tracked size was in view within <see cref="KeptFor"/>.
    /// </summary>
    public FaceCapture? TakeBest(string cameraName)
    {
        if (!rings.TryGetValue(cameraName, out var ring))
        {
            return null;
        }
        lock (ring.Gate)
        {
            var now = timeProvider.GetTimestamp();
            Crop? best = null;
            foreach (var crop in ring.Crops.Take(ring.Count))
            {
                if (timeProvider.GetElapsedTime(crop.CopiedAt, now) > KeptFor)
                {
                    continue;
                }
                if (best is null
                    || (crop.QualityAccepted, crop.FaceSizePixels, crop.CopiedAt).CompareTo((best.QualityAccepted, best.FaceSizePixels, best.CopiedAt)) > 0)
                {
                    best = crop;
                }
            }
            if (best is null)
            {
                return null;
            }
            var jpeg = ImageOps.EncodeJpeg(new ReadOnlyImageSpan(best.Pixels, best.Width, best.Height, best.Width * 3, PixelFormat.Bgr24), JpegQuality);
            return new FaceCapture(cameraName, best.ArrivedAt, best.FaceSizePixels, best.FacesInView, best.QualityAccepted, jpeg);
        }
    }

    private static float Overlap(RectangleF a, RectangleF b)
    {
        var intersection = RectangleF.Intersect(a, b);
        if (intersection.IsEmpty)
        {
            return 0;
        }
        var shared = intersection.Width * intersection.Height;
        return shared / ((a.Width * a.Height) + (b.Width * b.Height) - shared);
    }

    private sealed class Crop
    {
        public byte[] Pixels = [];
        public int Width;
        public int Height;
        public int FaceSizePixels;
        public int FacesInView;
        public bool QualityAccepted;
        public DateTimeOffset ArrivedAt;
        public long CopiedAt;
    }

    /// <summary>The newest crops of one camera; the slots (and their pixel buffers) are reused.</summary>
    private sealed class Ring
    {
        public readonly Lock Gate = new();
        public readonly Crop[] Crops = Enumerable.Range(0, CropsPerCamera).Select(_ => new Crop()).ToArray();
        public int Count;
        public int Next;
        public long LastFaceAt;
        public RectangleF LastBox;

        public void Clear()
        {
            Count = 0;
            Next = 0;
            // The pixels stay allocated for the next face but are no longer reachable as a capture.
        }

        public void Add(ReadOnlyImageSpan frame, FaceObservation face, int inView, DateTimeOffset arrivedAt, long now)
        {
            var centreX = face.Box.X + (face.Box.Width / 2);
            var centreY = face.Box.Y + (face.Box.Height / 2);
            var side = Math.Max(face.Box.Width, face.Box.Height) * 2;
            var x1 = Math.Clamp((int)(centreX - (side / 2)), 0, frame.Width);
            var y1 = Math.Clamp((int)(centreY - (side / 2)), 0, frame.Height);
            var x2 = Math.Clamp((int)(centreX + (side / 2)), 0, frame.Width);
            var y2 = Math.Clamp((int)(centreY + (side / 2)), 0, frame.Height);
            if (x2 - x1 < 8 || y2 - y1 < 8 || frame.Format != PixelFormat.Bgr24)
            {
                return;
            }
            var source = frame.Slice(x1, y1, x2 - x1, y2 - y1);
            var scale = Math.Min(1.0, (double)MaximumCropSide / Math.Max(source.Width, source.Height));
            var width = Math.Max(8, (int)(source.Width * scale));
            var height = Math.Max(8, (int)(source.Height * scale));
            var crop = Crops[Next];
            if (crop.Pixels.Length < width * height * 3)
            {
                crop.Pixels = new byte[width * height * 3];
            }
            var destination = new ImageSpan(crop.Pixels.AsSpan(0, width * height * 3), width, height, width * 3, PixelFormat.Bgr24);
            if (scale < 1.0)
            {
                ImageOps.Resize(source, destination, Interpolation.Area);
            }
            else
            {
                for (var y = 0; y < height; y++)
                {
                    source.Row(y)[..(width * 3)].CopyTo(destination.Row(y));
                }
            }
            crop.Width = width;
            crop.Height = height;
            crop.FaceSizePixels = (int)(face.SizePixels * scale);
            crop.FacesInView = inView;
            crop.QualityAccepted = face.QualityAccepted;
            crop.ArrivedAt = arrivedAt;
            crop.CopiedAt = now;
            Next = (Next + 1) % Crops.Length;
            Count = Math.Min(Count + 1, Crops.Length);
        }
    }
}
