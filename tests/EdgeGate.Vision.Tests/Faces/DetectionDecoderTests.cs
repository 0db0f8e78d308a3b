using EdgeGate.Vision.Faces;

namespace EdgeGate.Vision.Tests.Faces;

public sealed class DetectionDecoderTests
{
    private static readonly DetectorPostprocessing Settings = new(ScoreThreshold: 0.65f, MaximumCandidates: 750, NmsIouThreshold: 0.3f, ContainmentThreshold: 0.6f);

    [Fact]
    public void Non_maximum_suppression_keeps_the_highest_scoring_box_of_a_cluster()
    {
        // The top-most box comes first and scores lower: it must be suppressed, not kept.
        var (scores, boxes) = Outputs(
            (0.80f, 0.10f, 0.09f, 0.30f, 0.29f),
            (0.97f, 0.11f, 0.10f, 0.31f, 0.30f),
            (0.90f, 0.12f, 0.11f, 0.32f, 0.31f));
        var faces = new List<FaceDetection>();

        new DetectionDecoder(Settings, 3).Decode(scores, boxes, 100, 100, faces);

        var face = Assert.Single(faces);
        Assert.Equal(0.97f, face.Score);
        Assert.Equal(11f, face.Box.X1, 3);
    }

    [Fact]
    public void Separate_faces_survive_best_first_and_are_scaled_to_the_frame()
    {
        var (scores, boxes) = Outputs(
            (0.70f, 0.60f, 0.20f, 0.80f, 0.50f),
            (0.99f, 0.10f, 0.10f, 0.30f, 0.40f),
            (0.50f, 0.40f, 0.40f, 0.50f, 0.50f));
        var faces = new List<FaceDetection>();

        new DetectionDecoder(Settings, 3).Decode(scores, boxes, 640, 480, faces);

        Assert.Equal(2, faces.Count);
        Assert.Equal(new FaceBox(64f, 48f, 192f, 192f), faces[0].Box);
        Assert.Equal(0.70f, faces[1].Score);
        Assert.Equal(384f, faces[1].Box.X1, 3);
    }

    [Fact]
    public void A_smaller_box_inside_a_better_one_is_the_same_face()
    {
        // A tight crop: the whole face, and a box on its eyes and forehead (IoU 0.25, 98 % of it inside the face box).
        var (scores, boxes) = Outputs(
            (1.00f, 0.00f, 0.04f, 1.00f, 0.92f),
            (0.95f, 0.35f, 0.03f, 0.90f, 0.45f));
        var faces = new List<FaceDetection>();

        new DetectionDecoder(Settings, 2).Decode(scores, boxes, 150, 150, faces);

        Assert.Equal(1.00f, Assert.Single(faces).Score);
    }

    [Fact]
    public void Faces_side_by_side_that_touch_are_both_kept()
    {
        // Two heads of a group photo overlapping at the cheeks: a quarter of the smaller box.
        var (scores, boxes) = Outputs(
            (0.99f, 0.10f, 0.10f, 0.50f, 0.50f),
            (0.97f, 0.40f, 0.15f, 0.70f, 0.45f));
        var faces = new List<FaceDetection>();

        new DetectionDecoder(Settings, 2).Decode(scores, boxes, 100, 100, faces);

        Assert.Equal(2, faces.Count);
    }

    [Fact]
    public void Only_the_best_candidates_enter_suppression()
    {
        var (scores, boxes) = Outputs(
            (0.70f, 0.60f, 0.20f, 0.80f, 0.50f),
            (0.99f, 0.10f, 0.10f, 0.30f, 0.40f),
            (0.80f, 0.40f, 0.60f, 0.50f, 0.90f));
        var faces = new List<FaceDetection>();

        new DetectionDecoder(Settings with { MaximumCandidates = 2 }, 3).Decode(scores, boxes, 100, 100, faces);

        Assert.Equal([0.99f, 0.80f], faces.Select(face => face.Score));
    }

    [Fact]
    public void Nothing_above_the_threshold_gives_no_face_and_clears_earlier_results()
    {
        var (scores, boxes) = Outputs((0.64f, 0.1f, 0.1f, 0.3f, 0.3f), (0.2f, 0.5f, 0.5f, 0.6f, 0.6f));
        var faces = new List<FaceDetection> { new(new FaceBox(1, 1, 2, 2), 1f) };

        new DetectionDecoder(Settings, 2).Decode(scores, boxes, 100, 100, faces);

        Assert.Empty(faces);
    }

    [Fact]
    public void Wrong_output_sizes_are_rejected()
    {
        var decoder = new DetectionDecoder(Settings, 4);
        Assert.Throws<ArgumentException>(() => decoder.Decode(new float[6], new float[16], 10, 10, []));
        Assert.Throws<InvalidDataException>(() => new DetectionDecoder(Settings with { NmsIouThreshold = 0f }, 4));
        Assert.Throws<InvalidDataException>(() => new DetectionDecoder(Settings with { ContainmentThreshold = 1.5f }, 4));
    }

    private static (float[] Scores, float[] Boxes) Outputs(params (float Score, float X1, float Y1, float X2, float Y2)[] anchors)
    {
        var scores = new float[anchors.Length * 2];
        var boxes = new float[anchors.Length * 4];
        for (var index = 0; index < anchors.Length; index++)
        {
            scores[2 * index] = 1f - anchors[index].Score;
            scores[(2 * index) + 1] = anchors[index].Score;
            boxes[4 * index] = anchors[index].X1;
            boxes[(4 * index) + 1] = anchors[index].Y1;
            boxes[(4 * index) + 2] = anchors[index].X2;
            boxes[(4 * index) + 3] = anchors[index].Y2;
        }
        return (scores, boxes);
    }
}
