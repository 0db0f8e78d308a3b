using System.Numerics;

namespace EdgeGate.TestSupport.Faces;

/// <summary>
/// A three-dimensional head of 68 iBUG landmarks built from a few proportions (units: the distance
/// between the eye centres), seen by a pinhole camera: a real head turning shows parallax, the same
/// landmarks printed flat (all at depth 0) move as a plane. Landmark jitter of the given size is
/// added per point, as the landmark model would.
/// </summary>
public sealed class SyntheticHead
{
    private readonly Vector3[] points;

    private SyntheticHead(Vector3[] points) => this.points = points;

    /// <summary>A head with depth: nose in front, jaw and brows curving back to the ears.</summary>
    public static SyntheticHead Real() => new(Build(flat: false));

    /// <summary>The same face as a photo: every landmark on one plane.</summary>
    public static SyntheticHead Photo() => new(Build(flat: true));

    /// <summary>
    /// The 68 points in pixels for a head turned by <paramref name="yawDegrees"/> and
    /// <paramref name="pitchDegrees"/>, <paramref name="distance"/> eye distances from a camera of
    /// focal length <paramref name="focalPixels"/>, centred at (640, 360), with per-coordinate jitter
    /// of <paramref name="jitterPixels"/> (standard deviation) from <paramref name="random"/>.
    /// </summary>
    public Vector2[] Project(float yawDegrees, float pitchDegrees, Random random, float jitterPixels = 0.5f, float distance = 9f, float focalPixels = 700f, Vector2 shift = default)
    {
        var yaw = yawDegrees * MathF.PI / 180f;
        var pitch = pitchDegrees * MathF.PI / 180f;
        var rotation = Matrix4x4.CreateRotationY(yaw) * Matrix4x4.CreateRotationX(pitch);
        var projected = new Vector2[points.Length];
        for (var i = 0; i < points.Length; i++)
        {
            var p = Vector3.Transform(points[i], rotation);
            var depth = distance - p.Z;
            projected[i] = new Vector2(
                640f + shift.X + (focalPixels * p.X / depth) + (jitterPixels * Gaussian(random)),
                360f + shift.Y + (focalPixels * p.Y / depth) + (jitterPixels * Gaussian(random)));
        }
        return projected;
    }

    /// <summary>Eyes closed to <paramref name="openness"/> of their open height (1 = open).</summary>
    public static void CloseEyes(Vector2[] landmarks, float openness)
    {
        foreach (var start in new[] { 36, 42 })
        {
            var centreY = 0f;
            for (var i = 0; i < 6; i++)
            {
                centreY += landmarks[start + i].Y;
            }
            centreY /= 6f;
            foreach (var lid in new[] { 1, 2, 4, 5 })
            {
                var point = landmarks[start + lid];
                landmarks[start + lid] = new Vector2(point.X, centreY + ((point.Y - centreY) * openness));
            }
        }
    }

    private static Vector3[] Build(bool flat)
    {
        var points = new Vector3[68];
        // z points towards the camera; y down; eye centres at x = ±0.5.
        for (var i = 0; i <= 16; i++)
        {
            var angle = MathF.PI * i / 16f; // ear, round the chin, ear
            points[i] = new Vector3(-0.95f * MathF.Cos(angle), 0.1f + (1.25f * MathF.Sin(angle)), -0.85f * (1f - (0.85f * MathF.Sin(angle))));
        }
        for (var i = 0; i < 5; i++)
        {
            var x = 0.15f + (0.75f * (4 - i) / 4f);
            var arch = -0.38f - (0.08f * MathF.Sin(MathF.PI * i / 4f));
            points[17 + i] = new Vector3(-x, arch, -0.35f * x * x);
            points[26 - i] = new Vector3(x, arch, -0.35f * x * x);
        }
        for (var i = 0; i < 4; i++)
        {
            points[27 + i] = new Vector3(0f, -0.15f + (0.18f * i), 0.1f + (0.15f * i)); // ridge to the tip (30)
        }
        for (var i = 0; i < 5; i++)
        {
            var x = -0.22f + (0.11f * i);
            points[31 + i] = new Vector3(x, 0.62f, 0.35f - (0.8f * x * x));
        }
        foreach (var (start, centre) in new[] { (36, -0.5f), (42, 0.5f) })
        {
            // corner, two upper lid points, corner, two lower lid points
            var eye = new (float X, float Y)[] { (-0.16f, 0f), (-0.06f, -0.07f), (0.06f, -0.07f), (0.16f, 0f), (0.06f, 0.07f), (-0.06f, 0.07f) };
            for (var i = 0; i < 6; i++)
            {
                points[start + i] = new Vector3(centre + eye[i].X, eye[i].Y, -0.08f);
            }
        }
        for (var i = 0; i < 12; i++)
        {
            var angle = 2 * MathF.PI * i / 12f;
            points[48 + i] = new Vector3(-0.4f * MathF.Cos(angle), 1.0f - (0.14f * MathF.Sin(angle)), 0.15f - (0.2f * MathF.Cos(angle) * MathF.Cos(angle)));
        }
        for (var i = 0; i < 8; i++)
        {
            var angle = 2 * MathF.PI * i / 8f;
            points[60 + i] = new Vector3(-0.3f * MathF.Cos(angle), 1.0f - (0.05f * MathF.Sin(angle)), 0.12f);
        }
        if (flat)
        {
            for (var i = 0; i < points.Length; i++)
            {
                points[i] = points[i] with { Z = 0f };
            }
        }
        return points;
    }

    private static float Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}
