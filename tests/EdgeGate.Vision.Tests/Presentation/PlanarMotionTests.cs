using System.Numerics;
using EdgeGate.Core.Recognition;
using EdgeGate.Imaging;
using EdgeGate.TestSupport.Faces;
using EdgeGate.Vision.Presentation;

namespace EdgeGate.Vision.Tests.Presentation;

public sealed class PlanarMotionTests
{
    [Fact]
    public void A_homography_fitted_to_four_corners_maps_them_exactly_and_inverts_back()
    {
        Vector2[] source = [new(0, 0), new(100, 0), new(100, 80), new(0, 80)];
        Vector2[] destination = [new(12, 7), new(118, 15), new(109, 97), new(4, 86)];
        Assert.True(Homography.TryFromFourPoints(source, destination, out var homography));
        for (var i = 0; i < 4; i++)
        {
            Assert.InRange(Vector2.Distance(homography.Apply(source[i]), destination[i]), 0f, 1e-3f);
        }
        Assert.True(homography.TryInvert(out var inverse));
        var middle = homography.Apply(50, 40);
        Assert.InRange(Vector2.Distance(inverse.Apply(middle), new Vector2(50, 40)), 0f, 1e-3f);
    }

    [Fact]
    public void Collinear_points_have_no_homography()
    {
        Vector2[] line = [new(0, 0), new(1, 1), new(2, 2), new(3, 3), new(4, 4)];
        Assert.False(Homography.TryFit(line, line, out _));
    }

    [Fact]
    public void A_photo_tilted_in_front_of_the_camera_moves_as_a_plane()
    {
        var random = new Random(1);
        var photo = SyntheticHead.Photo();
        var reference = Rigid(photo.Project(0, 0, random));
        var tilted = Rigid(photo.Project(35, 10, random, shift: new Vector2(30, -10)));

        Assert.True(PlanarMotion.TryMeasure(reference, tilted, EyeDistance(photo.Project(0, 0, random, jitterPixels: 0)), out var motion));
        Assert.True(motion.Motion > 0.03, $"motion {motion}");
        Assert.True(motion.ParallaxShare < 0.5 && motion.PlanarResidual < 0.025, $"a plane left {motion}");
    }

    [Fact]
    public void A_head_turning_shows_parallax_that_no_plane_explains()
    {
        var random = new Random(2);
        var head = SyntheticHead.Real();
        var reference = Rigid(head.Project(0, 0, random));
        var turned = Rigid(head.Project(15, 5, random, shift: new Vector2(30, -10)));

        Assert.True(PlanarMotion.TryMeasure(reference, turned, EyeDistance(head.Project(0, 0, random, jitterPixels: 0)), out var motion));
        Assert.True(motion.Motion > 0.03, $"motion {motion}");
        Assert.True(motion.PlanarResidual > 0.025, $"a head left only {motion}");
    }

    [Fact]
    public void Over_a_track_a_photo_turned_back_and_forth_is_planar_and_a_head_is_parallax()
    {
        var random = new Random(3);
        // A sheet waved in front of the camera turns further than a head does to look around.
        foreach (var (head, maximumYaw, expected) in new[] { (SyntheticHead.Photo(), 40f, MotionEvidence.Planar), (SyntheticHead.Real(), 18f, MotionEvidence.Parallax) })
        {
            var tracker = new PlanarMotionTracker(new PlanarMotionRules());
            foreach (var step in new[] { 0f, 0.2f, 0.5f, 0.8f, 1f, 0.6f, 0.2f, -0.2f, -0.6f, -0.9f })
            {
                tracker.Add(head.Project(step * maximumYaw, step * maximumYaw / 4f, random, jitterPixels: 0.7f));
            }
            Assert.Equal(expected, tracker.Evidence);
        }
    }

    [Fact]
    public void A_face_that_only_shifts_and_comes_closer_tells_nothing_either_way()
    {
        var random = new Random(4);
        foreach (var head in new[] { SyntheticHead.Photo(), SyntheticHead.Real() })
        {
            var tracker = new PlanarMotionTracker(new PlanarMotionRules());
            for (var step = 0; step < 12; step++)
            {
                tracker.Add(head.Project(0, 0, random, jitterPixels: 0.7f, distance: 10f - (step * 0.2f), shift: new Vector2(step * 6f, step * 2f)));
            }
            Assert.Equal(MotionEvidence.NotEnoughMotion, tracker.Evidence);
            Assert.Equal(0, tracker.PlanarPairs + tracker.ParallaxPairs);
        }
    }

    [Fact]
    public void Parallax_in_one_pair_outweighs_planar_pairs()
    {
        var random = new Random(5);
        var tracker = new PlanarMotionTracker(new PlanarMotionRules());
        var photo = SyntheticHead.Photo();
        tracker.Add(photo.Project(0, 0, random));
        tracker.Add(photo.Project(35, 0, random));
        tracker.Add(photo.Project(-35, 0, random));
        Assert.Equal(MotionEvidence.Planar, tracker.Evidence);

        // The same reference compared with a real head's turn: a plane cannot explain it.
        tracker.Add(SyntheticHead.Real().Project(18, 6, random));
        Assert.Equal(MotionEvidence.Parallax, tracker.Evidence);
    }

    private static Vector2[] Rigid(Vector2[] landmarks)
    {
        var rigid = new Vector2[PlanarMotion.RigidPoints.Length];
        PlanarMotion.SelectRigid(landmarks, rigid);
        return rigid;
    }

    private static float EyeDistance(Vector2[] landmarks) => PlanarMotion.EyeDistance(landmarks);
}
