using System.Numerics;
using EdgeGate.Imaging;
using EdgeGate.Vision.Faces;

namespace EdgeGate.Evaluation;

/// <summary>What is in front of the camera in a simulated presentation (ISO/IEC 30107-3: bona fide or an attack species).</summary>
public enum PresentationKind
{
    /// <summary>The person: the photo as the camera would have taken it.</summary>
    BonaFide,

    /// <summary>A printed photo held up to the camera: paper texture, desaturated ink, paper's lower dynamic range, tilt, blur, a paper margin.</summary>
    PrintedPhoto,

    /// <summary>The photo shown on a phone or tablet: the display's pixel grid resampled by the camera (moiré), bezel, glare, gamma and colour cast.</summary>
    ScreenReplay,

    /// <summary>A printed face cut out along its outline and held in front of the attacker: real background around, a visible cut edge.</summary>
    CutOut,
}

/// <summary>One simulated camera frame and where its face is.</summary>
/// <param name="Frame">The whole frame, as the gate receives it (after optics blur, sensor noise and the camera's H.264 stream).</param>
/// <param name="FaceCentre">Where the presented face's centre is in the frame.</param>
/// <param name="FaceSide">The presented face's square-box side in frame pixels.</param>
public sealed record SimulatedPresentation(PresentationKind Kind, BgrImage Frame, Vector2 FaceCentre, float FaceSide) : IDisposable
{
    public void Dispose() => Frame.Dispose();
}

/// <summary>
/// Builds simulated presentations from a face photo, seeded and deterministic: the same photo,
/// kind and seed give the same frame. Faces are placed at a gate camera's size (square box 130–400
/// pixels, a face a metre or two away to one close to the camera); attacks are set into a synthetic indoor scene of 1280x720; bona fide frames are the
/// photo itself at that scale (at most 1280x720 around the face, never padded). Every frame then
/// goes through the same camera model: lens blur, sensor noise, and a gate camera's H.264 stream
/// decoded as the gate decodes it.
/// </summary>
/// <remarks>
/// What this cannot show is in docs/presentation-attacks.md: real paper, real screens, masks, 3D
/// attacks and real lighting are not simulated, and the image cues were designed knowing this
/// simulator, so its figures measure the checks against these artefacts only.
/// </remarks>
public static class PresentationSimulator
{
    public const int SceneWidth = 1280;
    public const int SceneHeight = 720;
    public const float MinimumFaceSide = 130;
    public const float MaximumFaceSide = 400;

    /// <summary>Frames after the key frame the analysed frame may be (the gate analyses frames anywhere in a stream).</summary>
    public const int MaximumFramesAfterKey = 7;

    /// <summary>Frames per second of the simulated camera's stream.</summary>
    public const int CameraFrameRate = 15;

    /// <summary>Bit rates of the simulated camera's stream at 1280x720, bits per second.</summary>
    public const float MinimumBitRate = 2_000_000;

    /// <inheritdoc cref="MinimumBitRate"/>
    public const float MaximumBitRate = 4_000_000;

    /// <summary>Renders one presentation of the face in <paramref name="faceBox"/> (the square face box in the photo).</summary>
    public static SimulatedPresentation Render(PresentationKind kind, ReadOnlyImageSpan photo, PixelRectangle faceBox, int seed)
    {
        if (photo.Format != PixelFormat.Bgr24)
        {
            throw new ArgumentException($"BGR expected, not {photo.Format}", nameof(photo));
        }
        if (faceBox.IsEmpty)
        {
            throw new ArgumentException("the face box is empty", nameof(faceBox));
        }
        var random = new Random(seed);
        var faceSide = Uniform(random, MinimumFaceSide, MaximumFaceSide);
        FloatImage frame;
        Vector2 centre;
        switch (kind)
        {
            case PresentationKind.BonaFide:
                (frame, centre) = BonaFide(photo, faceBox, faceSide, random);
                break;
            case PresentationKind.PrintedPhoto:
                (frame, centre) = Printed(photo, faceBox, faceSide, random, cutOut: false);
                break;
            case PresentationKind.CutOut:
                (frame, centre) = Printed(photo, faceBox, faceSide, random, cutOut: true);
                break;
            case PresentationKind.ScreenReplay:
                (frame, centre) = Screen(photo, faceBox, faceSide, random);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown presentation kind");
        }
        return new SimulatedPresentation(kind, Camera(frame, random), centre, faceSide);
    }

    /// <summary>The photo at gate scale, cut to at most the scene size around the face.</summary>
    private static (FloatImage Frame, Vector2 Centre) BonaFide(ReadOnlyImageSpan photo, PixelRectangle faceBox, float faceSide, Random random)
    {
        var (scaled, face) = AtFaceSize(photo, faceBox, faceSide);
        var (faceX, faceY) = (face.X, face.Y);
        var width = Math.Min(SceneWidth, scaled.Width);
        var height = Math.Min(SceneHeight, scaled.Height);
        // Face a little off-centre, as a person walking up is; the window stays inside the photo.
        var left = Math.Clamp((int)MathF.Round(faceX - (width * Uniform(random, 0.35f, 0.65f))), 0, scaled.Width - width);
        var top = Math.Clamp((int)MathF.Round(faceY - (height * Uniform(random, 0.3f, 0.5f))), 0, scaled.Height - height);
        var frame = new FloatImage(width, height);
        for (var y = 0; y < height; y++)
        {
            Array.Copy(scaled.Data, (((top + y) * scaled.Width) + left) * 3, frame.Data, y * width * 3, width * 3);
        }
        return (frame, new Vector2(faceX - left, faceY - top));
    }

    /// <summary>A print (or a cut-out of one) tilted in front of the scene.</summary>
    private static (FloatImage Frame, Vector2 Centre) Printed(ReadOnlyImageSpan photo, PixelRectangle faceBox, float faceSide, Random random, bool cutOut)
    {
        // The print at camera scale: artefact pixels ≈ frame pixels before the tilt.
        var (print, face) = AtFaceSize(photo, faceBox, faceSide);
        var (faceX, faceY) = (face.X, face.Y);

        // Ink on paper: less colour, a narrower range (paper white is not a light, ink black is not black),
        // a warm paper tint, dot and fibre texture, and the blur of printing and focus.
        var saturation = Uniform(random, 0.35f, 0.85f);
        var black = Uniform(random, 12f, 45f);
        var white = Uniform(random, 200f, 240f);
        var warm = Uniform(random, 0.9f, 1f);
        var texture = Uniform(random, 0.02f, 0.06f);
        var dotPeriod = Uniform(random, 2.2f, 4.5f);
        var dotAmplitude = random.NextDouble() < 0.6 ? Uniform(random, 0.02f, 0.07f) : 0f;
        var fibre = new FloatImage(print.Width, print.Height);
        fibre.AddNoise(random, 1f);
        fibre.GaussianBlur(Uniform(random, 0.5f, 1.2f));
        for (var y = 0; y < print.Height; y++)
        {
            for (var x = 0; x < print.Width; x++)
            {
                var index = ((y * print.Width) + x) * 3;
                var b = print.Data[index];
                var g = print.Data[index + 1];
                var r = print.Data[index + 2];
                var grey = (0.114f * b) + (0.587f * g) + (0.299f * r);
                var dots = dotAmplitude * MathF.Sin(x * 2 * MathF.PI / dotPeriod) * MathF.Sin(y * 2 * MathF.PI / dotPeriod);
                var grain = 1f + (texture * fibre.Data[index]) + dots;
                print.Data[index] = Ink(grey + (saturation * (b - grey)), black, white) * warm * grain;
                print.Data[index + 1] = Ink(grey + (saturation * (g - grey)), black, white) * grain;
                print.Data[index + 2] = Ink(grey + (saturation * (r - grey)), black, white) * grain;
            }
        }
        print.GaussianBlur(Uniform(random, 0.5f, 1.4f));

        var margin = cutOut ? 0f : (random.NextDouble() < 0.3 ? 0f : Uniform(random, 4f, 40f));
        var paper = white * Uniform(random, 0.95f, 1.02f);
        var shading = (Uniform(random, -0.15f, 0.15f), Uniform(random, -0.15f, 0.15f));

        // The cut-out keeps an ellipse along the face's outline; behind it, the attacker's hair and shoulders.
        var ellipseA = faceSide * Uniform(random, 0.4f, 0.5f);
        var ellipseB = faceSide * Uniform(random, 0.58f, 0.7f);
        var ellipseY = faceY - (faceSide * Uniform(random, 0.02f, 0.1f));
        var rim = random.NextDouble() < 0.6 ? Uniform(random, 1f, 2.5f) : 0f;

        var tilt = cutOut ? Uniform(random, 0f, 0.04f) : Uniform(random, 0f, 0.09f);
        var target = FaceTarget(random, faceSide);
        var toFrame = Placement(print.Width, print.Height, margin, faceX, faceY, target, tilt, random);
        if (!toFrame.TryInvert(out var toPrint))
        {
            throw new InvalidOperationException("the simulated tilt is singular");
        }
        var scene = Scene(random);
        if (cutOut)
        {
            Person(scene, target, faceSide, random);
        }
        Span<float> colour = stackalloc float[3];
        var shadowOffset = Uniform(random, 2f, 5f);
        for (var y = 0; y < SceneHeight; y++)
        {
            for (var x = 0; x < SceneWidth; x++)
            {
                var point = toPrint.Apply(x, y);
                if (float.IsNaN(point.X))
                {
                    continue;
                }
                bool inside;
                var edge = false;
                if (cutOut)
                {
                    var distance = EllipseDistance(point, faceX, ellipseY, ellipseA, ellipseB);
                    inside = distance <= 1f;
                    edge = inside && distance > 1f - (rim / ellipseB);
                    if (!inside)
                    {
                        // The cut-out's shadow on what is behind it.
                        var shadow = toPrint.Apply(x - shadowOffset, y - shadowOffset);
                        if (EllipseDistance(shadow, faceX, ellipseY, ellipseA, ellipseB) <= 1f)
                        {
                            Multiply(scene, x, y, 0.7f);
                        }
                        continue;
                    }
                }
                else
                {
                    inside = point.X >= -margin && point.Y >= -margin && point.X <= print.Width - 1 + margin && point.Y <= print.Height - 1 + margin;
                    if (!inside)
                    {
                        continue;
                    }
                }
                var onPhoto = point.X >= 0 && point.Y >= 0 && point.X <= print.Width - 1 && point.Y <= print.Height - 1;
                if (onPhoto && !edge)
                {
                    print.Sample(point.X, point.Y, colour);
                }
                else
                {
                    colour[0] = paper * warm;
                    colour[1] = paper;
                    colour[2] = paper;
                }
                var light = 1f + (shading.Item1 * ((point.X / print.Width) - 0.5f)) + (shading.Item2 * ((point.Y / print.Height) - 0.5f));
                Set(scene, x, y, colour[0] * light, colour[1] * light, colour[2] * light);
            }
        }
        return (scene, target);
    }

    /// <summary>A phone or tablet showing the photo, its pixel grid sampled by the camera.</summary>
    /// <remarks>
    /// The display's sub-pixel stripes (R, G, B side by side) and the dark gaps between its rows are
    /// periodic at one display pixel. The lens blurs them (a Gaussian of σ camera pixels keeps
    /// exp(−2π²σ²/pitch²) of that frequency) before the sensor samples them once per camera pixel;
    /// what survives aliases into the low-frequency colour bands of moiré. Only the grid's
    /// fundamental is kept, which is what survives any lens.
    /// </remarks>
    private static (FloatImage Frame, Vector2 Centre) Screen(ReadOnlyImageSpan photo, PixelRectangle faceBox, float faceSide, Random random)
    {
        // Camera pixels per display pixel: a phone held close shows its pixels magnified, a tablet further away smaller.
        var pitch = Uniform(random, 0.4f, 1.6f);
        var (display, face) = AtFaceSize(photo, faceBox, faceSide / pitch);
        var (faceX, faceY) = (face.X, face.Y);

        var gamma = Uniform(random, 0.7f, 1.4f);
        var brightness = Uniform(random, 0.85f, 1.25f);
        var veil = Uniform(random, 0f, 30f);
        var cast = (Blue: Uniform(random, 1f, 1.15f), Green: Uniform(random, 0.95f, 1.05f), Red: Uniform(random, 0.85f, 1f));
        for (var i = 0; i < display.Data.Length; i += 3)
        {
            display.Data[i] = Emit(display.Data[i], gamma, brightness * cast.Blue);
            display.Data[i + 1] = Emit(display.Data[i + 1], gamma, brightness * cast.Green);
            display.Data[i + 2] = Emit(display.Data[i + 2], gamma, brightness * cast.Red);
        }

        // How much of the grid reaches the sensor: the screen's surface (matte protector or not) and the lens.
        var lensSigma = Uniform(random, 0.25f, 0.6f);
        var grid = Uniform(random, 0.3f, 1f) * MathF.Exp(-2f * MathF.PI * MathF.PI * lensSigma * lensSigma / (pitch * pitch));
        // Fundamentals of a one-third-wide stripe (3 · 2 sin(π/3) / π) and of rows lit over 85% of their height.
        var stripe = grid * 1.654f;
        var rows = grid * 0.35f;

        // Bezel in display pixels; glare as a soft elongated highlight, on three screens of four.
        var bezel = Math.Max(display.Width, display.Height) * Uniform(random, 0.03f, 0.1f);
        var bezelGrey = Uniform(random, 12f, 40f);
        var glare = random.NextDouble() < 0.75 ? Uniform(random, 30f, 150f) : 0f;
        var glareCentre = new Vector2(Uniform(random, 0f, display.Width), Uniform(random, 0f, display.Height));
        var glareRadius = (X: display.Width * Uniform(random, 0.1f, 0.4f), Y: display.Height * Uniform(random, 0.05f, 0.25f));

        var tilt = Uniform(random, 0f, 0.08f);
        var target = FaceTarget(random, faceSide);
        var toFrame = Placement(display.Width, display.Height, bezel, faceX, faceY, target, tilt, random);
        if (!toFrame.TryInvert(out var toDisplay))
        {
            throw new InvalidOperationException("the simulated tilt is singular");
        }
        var scene = Scene(random);
        Span<float> colour = stackalloc float[3];
        // Stripe centres within a display pixel, BGR order (R is the leftmost stripe).
        ReadOnlySpan<float> stripeCentres = [5f / 6f, 0.5f, 1f / 6f];
        for (var y = 0; y < SceneHeight; y++)
        {
            for (var x = 0; x < SceneWidth; x++)
            {
                var point = toDisplay.Apply(x + 0.5f, y + 0.5f);
                if (float.IsNaN(point.X) || point.X < -bezel || point.Y < -bezel || point.X >= display.Width + bezel || point.Y >= display.Height + bezel)
                {
                    continue;
                }
                var index = ((y * SceneWidth) + x) * 3;
                if (point.X < 0 || point.Y < 0 || point.X >= display.Width || point.Y >= display.Height)
                {
                    scene.Data[index] = scene.Data[index + 1] = scene.Data[index + 2] = bezelGrey;
                    continue;
                }
                display.Sample(point.X - 0.5f, point.Y - 0.5f, colour);
                var rowLight = 1f + (rows * MathF.Cos(2f * MathF.PI * (point.Y - MathF.Floor(point.Y) - 0.425f)));
                var distanceX = (point.X - glareCentre.X) / glareRadius.X;
                var distanceY = (point.Y - glareCentre.Y) / glareRadius.Y;
                var highlight = veil + (glare * MathF.Exp(-0.5f * ((distanceX * distanceX) + (distanceY * distanceY))));
                var phase = point.X - MathF.Floor(point.X);
                for (var c = 0; c < 3; c++)
                {
                    var stripeLight = 1f + (stripe * MathF.Cos(2f * MathF.PI * (phase - stripeCentres[c])));
                    scene.Data[index + c] = (colour[c] * stripeLight * rowLight) + highlight;
                }
            }
        }
        return (scene, target);
    }

    /// <summary>Where the presented face's centre goes: a little off the frame's centre.</summary>
    private static Vector2 FaceTarget(Random random, float faceSide) => new(
        Uniform(random, 0.35f, 0.65f) * SceneWidth,
        Math.Max(faceSide * 0.8f, Uniform(random, 0.3f, 0.5f) * SceneHeight));

    /// <summary>
    /// The artefact's placement: its (margin-extended) rectangle moved so the face lands on
    /// <paramref name="target"/>, each corner then pushed by up to <paramref name="tilt"/> of the
    /// artefact's size (a tilted, turned sheet or device).
    /// </summary>
    private static Homography Placement(int width, int height, float margin, float faceX, float faceY, Vector2 target, float tilt, Random random)
    {
        Span<Vector2> source = [new(-margin, -margin), new(width + margin, -margin), new(width + margin, height + margin), new(-margin, height + margin)];
        Span<Vector2> destination = stackalloc Vector2[4];
        var size = Math.Max(width, height) + (2 * margin);
        var rotation = Uniform(random, -0.12f, 0.12f);
        var (sin, cos) = MathF.SinCos(rotation);
        for (var i = 0; i < 4; i++)
        {
            var dx = source[i].X - faceX;
            var dy = source[i].Y - faceY;
            destination[i] = new Vector2(
                target.X + (cos * dx) - (sin * dy) + (size * tilt * Uniform(random, -1f, 1f)),
                target.Y + (sin * dx) + (cos * dy) + (size * tilt * Uniform(random, -1f, 1f)));
        }
        if (!Homography.TryFromFourPoints(source, destination, out var homography))
        {
            throw new InvalidOperationException("the simulated placement is degenerate");
        }
        // Keep the face where it was meant to be after the corner jitter.
        var moved = homography.Apply(faceX, faceY);
        var shift = target - moved;
        return homography with
        {
            H11 = homography.H11 + (shift.X * homography.H31),
            H12 = homography.H12 + (shift.X * homography.H32),
            H13 = homography.H13 + shift.X,
            H21 = homography.H21 + (shift.Y * homography.H31),
            H22 = homography.H22 + (shift.Y * homography.H32),
            H23 = homography.H23 + shift.Y,
        };
    }

    /// <summary>
    /// A synthetic indoor scene behind the artefact: a wall with a light gradient and a floor, at
    /// times a door frame, wall texture; no faces.
    /// </summary>
    private static FloatImage Scene(Random random)
    {
        var scene = new FloatImage(SceneWidth, SceneHeight);
        var wall = Colour(random, 90f, 200f, 0.15f);
        var floor = Colour(random, 50f, 140f, 0.2f);
        var floorLine = (int)(SceneHeight * Uniform(random, 0.72f, 0.9f));
        var lightX = Uniform(random, 0f, SceneWidth);
        var lightY = Uniform(random, -SceneHeight * 0.5f, SceneHeight * 0.5f);
        var lightStrength = Uniform(random, 0.1f, 0.35f);
        var doors = random.Next(0, 3);
        Span<(int Left, int Right, float Grey)> doorFrames = stackalloc (int, int, float)[2];
        for (var i = 0; i < doors; i++)
        {
            var left = random.Next(0, SceneWidth - 40);
            doorFrames[i] = (left, left + random.Next(8, 30), Uniform(random, 30f, 220f));
        }
        for (var y = 0; y < SceneHeight; y++)
        {
            for (var x = 0; x < SceneWidth; x++)
            {
                var distance = MathF.Sqrt(((x - lightX) * (x - lightX)) + ((y - lightY) * (y - lightY))) / SceneWidth;
                var light = 1f + (lightStrength * (0.5f - distance));
                var surface = y < floorLine ? wall : floor;
                var index = ((y * SceneWidth) + x) * 3;
                scene.Data[index] = surface.Blue * light;
                scene.Data[index + 1] = surface.Green * light;
                scene.Data[index + 2] = surface.Red * light;
                for (var i = 0; i < doors; i++)
                {
                    if (x >= doorFrames[i].Left && x < doorFrames[i].Right && y < floorLine)
                    {
                        scene.Data[index] = scene.Data[index + 1] = scene.Data[index + 2] = doorFrames[i].Grey * light;
                    }
                }
            }
        }
        var texture = new FloatImage(SceneWidth, SceneHeight);
        texture.AddNoise(random, Uniform(random, 2f, 6f));
        texture.GaussianBlur(1.2f);
        for (var i = 0; i < scene.Data.Length; i++)
        {
            scene.Data[i] += texture.Data[i];
        }
        return scene;
    }

    /// <summary>The attacker behind a cut-out: dark hair and shoulders around the face.</summary>
    private static void Person(FloatImage scene, Vector2 face, float faceSide, Random random)
    {
        var hair = Colour(random, 15f, 70f, 0.3f);
        var clothes = Colour(random, 20f, 180f, 0.4f);
        var headA = faceSide * Uniform(random, 0.5f, 0.62f);
        var headB = faceSide * Uniform(random, 0.68f, 0.8f);
        var shoulders = face.Y + (faceSide * 0.9f);
        for (var y = 0; y < SceneHeight; y++)
        {
            for (var x = 0; x < SceneWidth; x++)
            {
                var dx = (x - face.X) / headA;
                var dy = (y - face.Y) / headB;
                if ((dx * dx) + (dy * dy) <= 1f)
                {
                    Set(scene, x, y, hair.Blue, hair.Green, hair.Red);
                }
                else if (y > shoulders && MathF.Abs(x - face.X) < faceSide * 1.3f)
                {
                    Set(scene, x, y, clothes.Blue, clothes.Green, clothes.Red);
                }
            }
        }
    }

    /// <summary>
    /// The camera: lens blur, then the scene held still for a few frames, each with its own sensor
    /// noise, coded as a gate camera's H.264 stream (<see cref="CameraStream"/>) and decoded as the
    /// gate's capture decodes it; the frame analysed is the last of them, the key frame or one of the
    /// <see cref="MaximumFramesAfterKey"/> after it.
    /// </summary>
    private static BgrImage Camera(FloatImage frame, Random random)
    {
        frame.GaussianBlur(Uniform(random, 0.4f, 0.9f));
        // Sensor noise after the camera's own noise reduction: from nearly none (temporal noise reduction
        // on a still scene) to a plain sensor's.
        var noise = Uniform(random, 0.3f, 4f);
        var settings = CameraStream(random, frame.Width, frame.Height);
        var count = 1 + random.Next(MaximumFramesAfterKey + 1);
        var size = frame.Data.Length;
        var clip = new byte[count * size];
        var noisy = new FloatImage(frame.Width, frame.Height);
        for (var k = 0; k < count; k++)
        {
            frame.Data.CopyTo(noisy.Data, 0);
            noisy.AddNoise(random, noise);
            noisy.CopyTo(clip.AsSpan(k * size, size));
        }
        var decoded = BgrImage.Create(frame.Width, frame.Height);
        try
        {
            H264RoundTrip.LastFrame(clip, count, frame.Width, frame.Height, settings, decoded.AsSpan());
            return decoded;
        }
        catch
        {
            decoded.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A gate camera's stream for a frame of this size: H.264 at 15 frames per second with a key frame
    /// every second (the RTSP test server's settings), a constant bit rate of 2–4 Mbit/s for 1280x720
    /// (the test server streams 2.5), scaled to the frame's area so that every frame gets the same bits
    /// per pixel, and the BT.601 or BT.709 colour matrix (cameras differ; the capture converts back with
    /// BT.601 whichever the stream used, as it does on the gate).
    /// </summary>
    private static H264Settings CameraStream(Random random, int width, int height)
    {
        var bitRate = Uniform(random, MinimumBitRate, MaximumBitRate) * width * height / (SceneWidth * SceneHeight);
        var matrix = random.NextDouble() < 0.5 ? ColourMatrix.Bt601 : ColourMatrix.Bt709;
        return new H264Settings(CameraFrameRate, Math.Max(1, (int)bitRate), CameraFrameRate, matrix);
    }

    /// <summary>The photo resized so its face's square box is <paramref name="faceSide"/> pixels, and where the face's centre lands.</summary>
    private static (FloatImage Image, Vector2 Face) AtFaceSize(ReadOnlyImageSpan photo, PixelRectangle faceBox, float faceSide)
    {
        var scale = faceSide / Math.Max(faceBox.Width, faceBox.Height);
        var width = Math.Max(8, (int)MathF.Round(photo.Width * scale));
        var height = Math.Max(8, (int)MathF.Round(photo.Height * scale));
        var image = FloatImage.Resized(photo, width, height);
        var face = new Vector2(
            (faceBox.X + (faceBox.Width / 2f)) * width / photo.Width,
            (faceBox.Y + (faceBox.Height / 2f)) * height / photo.Height);
        return (image, face);
    }

    private static float Ink(float value, float black, float white) => black + ((white - black) * Math.Clamp(value, 0f, 255f) / 255f);

    private static float Emit(float value, float gamma, float gain) => 255f * MathF.Pow(Math.Clamp(value, 0f, 255f) / 255f, gamma) * gain;

    private static float EllipseDistance(Vector2 point, float centreX, float centreY, float a, float b)
    {
        var dx = (point.X - centreX) / a;
        var dy = (point.Y - centreY) / b;
        return MathF.Sqrt((dx * dx) + (dy * dy));
    }

    private static void Set(FloatImage image, int x, int y, float blue, float green, float red)
    {
        var index = ((y * image.Width) + x) * 3;
        image.Data[index] = blue;
        image.Data[index + 1] = green;
        image.Data[index + 2] = red;
    }

    private static void Multiply(FloatImage image, int x, int y, float factor)
    {
        var index = ((y * image.Width) + x) * 3;
        image.Data[index] *= factor;
        image.Data[index + 1] *= factor;
        image.Data[index + 2] *= factor;
    }

    /// <summary>A colour of the given brightness range and at most the given saturation.</summary>
    private static (float Blue, float Green, float Red) Colour(Random random, float darkest, float brightest, float saturation)
    {
        var grey = Uniform(random, darkest, brightest);
        return (grey * (1 + Uniform(random, -saturation, saturation)),
            grey * (1 + Uniform(random, -saturation, saturation)),
            grey * (1 + Uniform(random, -saturation, saturation)));
    }

    private static float Uniform(Random random, float minimum, float maximum) => minimum + ((float)random.NextDouble() * (maximum - minimum));
}
