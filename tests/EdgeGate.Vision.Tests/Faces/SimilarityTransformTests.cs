using System.Numerics;
using EdgeGate.Vision.Faces;

namespace EdgeGate.Vision.Tests.Faces;

public sealed class SimilarityTransformTests
{
    private static readonly Vector2[] Points =
    [
        new(120.5f, 210.25f), new(180.75f, 205.5f), new(150f, 245f), new(125.25f, 280.5f), new(176f, 278f),
    ];

    [Fact]
    public void Recovers_a_known_rotation_scale_and_translation()
    {
        var known = SimilarityTransform.Create(scale: 0.61, rotationRadians: -0.27, translateX: -31.5, translateY: 17.25);
        var destination = Points.Select(known.Apply).ToArray();

        var estimated = SimilarityTransform.Estimate(Points, destination);

        Assert.Equal(known.Scale, estimated.Scale, 5);
        Assert.Equal(known.RotationRadians, estimated.RotationRadians, 5);
        Assert.Equal(known.TranslateX, estimated.TranslateX, 3);
        Assert.Equal(known.TranslateY, estimated.TranslateY, 3);
    }

    [Fact]
    public void Inverse_undoes_the_transform()
    {
        var known = SimilarityTransform.Create(scale: 0.61, rotationRadians: -0.27, translateX: -31.5, translateY: 17.25);
        var inverse = known.Invert();

        Assert.Equal(1 / known.Scale, inverse.Scale, 9);
        Assert.All(Points, point => Assert.True(Vector2.Distance(point, inverse.Apply(known.Apply(point))) < 1e-3f, $"{point}"));
    }

    [Fact]
    public void Least_squares_fit_with_noise_matches_the_closed_form_residual_minimum()
    {
        var known = SimilarityTransform.Create(1.3, 0.4, 5, -7);
        var offsets = new Vector2[] { new(0.8f, -0.5f), new(-0.6f, 0.3f), new(0.2f, 0.9f), new(-0.4f, -0.7f), new(0f, 0.1f) };
        var destination = Points.Select((point, index) => known.Apply(point) + offsets[index]).ToArray();

        var estimated = SimilarityTransform.Estimate(Points, destination);
        var residual = Residual(estimated, destination);

        // Any small change of the parameters must not fit better.
        foreach (var (da, db, dx, dy) in new[] { (1e-3, 0.0, 0.0, 0.0), (0.0, 1e-3, 0.0, 0.0), (0.0, 0.0, 0.05, 0.0), (0.0, 0.0, 0.0, 0.05), (-1e-3, 0.0, 0.0, 0.0), (0.0, -1e-3, 0.0, 0.0) })
        {
            var moved = estimated with { A = estimated.A + da, B = estimated.B + db, TranslateX = estimated.TranslateX + dx, TranslateY = estimated.TranslateY + dy };
            Assert.True(Residual(moved, destination) > residual, $"moving by ({da}, {db}, {dx}, {dy}) fitted better");
        }
        Assert.Equal(1.3, estimated.Scale, 2);
    }

    [Fact]
    public void Mirrored_points_give_a_rotation_not_a_reflection()
    {
        var mirrored = Points.Select(point => new Vector2(-point.X, point.Y)).ToArray();

        var estimated = SimilarityTransform.Estimate(Points, mirrored);
        var (m11, m12, _, m21, m22, _) = estimated.ToMatrix();

        Assert.True((m11 * m22) - (m12 * m21) >= 0, "determinant must not be negative");
    }

    [Fact]
    public void Coincident_or_too_few_points_are_rejected()
    {
        var same = Enumerable.Repeat(new Vector2(3, 4), 5).ToArray();
        Assert.Throws<ArgumentException>(() => SimilarityTransform.Estimate(same, Points));
        Assert.Throws<ArgumentException>(() => SimilarityTransform.Estimate(Points.AsSpan(0, 1), Points.AsSpan(0, 1)));
        Assert.Throws<ArgumentException>(() => SimilarityTransform.Estimate(Points, Points.AsSpan(0, 4)));
    }

    private static double Residual(SimilarityTransform transform, Vector2[] destination) =>
        Points.Select((point, index) => (double)Vector2.DistanceSquared(transform.Apply(point), destination[index])).Sum();
}
