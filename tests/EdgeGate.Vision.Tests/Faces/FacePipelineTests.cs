using System.Numerics;
using EdgeGate.Imaging;
using EdgeGate.Imaging.Interop.OpenCv;
using EdgeGate.TestSupport;
using EdgeGate.Vision.Faces;
using EdgeGate.Vision.Models;

namespace EdgeGate.Vision.Tests.Faces;

[Collection(FacePipelineCollection.Name)]
public sealed class FacePipelineTests(FacePipelineFixture fixture)
{
    [Fact]
    public void Blank_or_flat_frames_give_no_face()
    {
        using var black = BgrImage.Create(640, 480);
        Assert.Empty(fixture.Pipeline.Analyse(black.AsReadOnlySpan()));

        using var grey = BgrImage.Create(320, 240);
        grey.Pixels.Fill(128);
        Assert.Empty(fixture.Pipeline.Analyse(grey.AsReadOnlySpan()));
    }

    [Fact]
    public void Corrupt_image_gives_a_clear_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"edgegate-corrupt-{Guid.NewGuid():N}.jpg");
        File.WriteAllBytes(path, [0x00, 0x01, 0x02, 0x03, .. "not an image"u8.ToArray()]);
        try
        {
            var exception = Assert.Throws<OpenCvException>(() => fixture.Pipeline.AnalyseFile(path));
            Assert.Contains(path, exception.Message);

            var check = new EnrolmentPhotoCheck(fixture.Pipeline, new FaceQualityGate());
            var result = check.Check(File.ReadAllBytes(path));
            Assert.Equal(FaceQualityVerdict.UnreadableImage, result.Verdict);
            Assert.Contains("cannot be read", result.Reason);
            Assert.Null(result.Face);
            Assert.Equal(FaceQualityVerdict.UnreadableImage, check.Check([]).Verdict);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Group_photo_gives_several_faces_with_unit_embeddings_points_and_liveness()
    {
        var catalog = ModelCatalog.Open(Path.Combine(RepositoryPaths.Root, "models"));
        var faces = fixture.Pipeline.AnalyseFile(FacePipelineFixture.SamplePath(1));

        Assert.True(faces.Count >= 2, $"{faces.Count} faces");
        Assert.Equal(catalog.Get(ModelNames.Embedding).ModelId, fixture.Pipeline.EmbeddingModelId);
        foreach (var face in faces)
        {
            Assert.True(face.HasEmbedding);
            Assert.Equal(512, face.Embedding.Length);
            Assert.Equal(1f, face.Similarity(face), 4);
            Assert.InRange(face.EmbeddingNorm, fixture.Pipeline.Facts.MinimumFaceNorm, 20f);
            Assert.Equal(fixture.Pipeline.EmbeddingModelId, face.EmbeddingModelId);
            Assert.InRange(face.ProbabilityReal!.Value, 0f, 1f);
            Assert.InRange(face.Score, 0.65f, 1f);
            Assert.Equal(68, face.Landmarks.Length);
            Assert.Equal(Math.Max(face.SquareBox.Width, face.SquareBox.Height), face.Quality.SizePixels);
            Assert.True(face.Quality.Sharpness > 0);
            // Eyes above the nose, nose above the mouth, left eye left of the right eye, all near the box.
            var points = face.Points;
            Assert.True(points.EyeLeft.X < points.EyeRight.X);
            Assert.True(points.EyeLeft.Y < points.Nose.Y && points.Nose.Y < points.MouthLeft.Y);
            for (var index = 0; index < FivePoints.Count; index++)
            {
                Assert.InRange(points[index].X, face.Box.X1 - 5, face.Box.X2 + 5);
                Assert.InRange(points[index].Y, face.Box.Y1 - 5, face.Box.Y2 + 5);
            }
        }
        for (var first = 0; first < faces.Count; first++)
        {
            for (var second = first + 1; second < faces.Count; second++)
            {
                Assert.True(faces[first].Similarity(faces[second]) < 0.4f, "different people in one photo must not match");
            }
        }
    }

    [Fact]
    public void Face_partly_outside_the_frame_is_cropped_inside_it()
    {
        using var photo = BgrImage.Load(FacePipelineFixture.SamplePath(1));
        var face = fixture.Pipeline.Analyse(photo.AsReadOnlySpan()).OrderByDescending(found => found.Quality.SizePixels).First();
        // Cut the photo through the middle of the face: the right half of the face leaves the frame.
        var cutX = (int)((face.Box.X1 + face.Box.X2) / 2);
        var cutWidth = Math.Min(photo.Width, cutX + 1);
        using var cut = BgrImage.Create(cutWidth, photo.Height);
        for (var y = 0; y < photo.Height; y++)
        {
            photo.AsReadOnlySpan().Row(y)[..(cutWidth * 3)].CopyTo(cut.AsSpan().Row(y));
        }

        var faces = fixture.Pipeline.Analyse(cut.AsReadOnlySpan());

        Assert.All(faces, found => Assert.True(found.SquareBox.IsInside(cut.Width, cut.Height), $"{found.SquareBox} outside {cut.Width}x{cut.Height}"));
        Assert.All(faces, found => Assert.True(found.Landmarks.Span.ToArray().All(point => float.IsFinite(point.X) && float.IsFinite(point.Y))));
    }

    [Fact]
    public void Steady_state_analysis_allocates_nothing()
    {
        using var photo = BgrImage.Load(FacePipelineFixture.SamplePath(2));
        var analysis = new FaceAnalysis();
        for (var run = 0; run < 2; run++)
        {
            fixture.Pipeline.Analyse(photo.AsReadOnlySpan(), analysis);
        }

        // A per-frame allocation shows in every window; a one-off (a method tiered up by the JIT
        // in the middle of a window) does not, so the best of three windows must be zero.
        var allocations = new List<long>();
        for (var window = 0; window < 3 && (allocations.Count == 0 || allocations[^1] != 0); window++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var run = 0; run < 3; run++)
            {
                fixture.Pipeline.Analyse(photo.AsReadOnlySpan(), analysis);
            }
            allocations.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(allocations[^1] == 0, $"bytes allocated per window of 3 frames: {string.Join(", ", allocations)}");
        Assert.True(analysis.Faces.Count >= 2);
        Assert.True(analysis.Timings.Inference > TimeSpan.Zero && analysis.Timings.Inference <= analysis.Timings.Total);
        Assert.True(analysis.Timings.Embed > TimeSpan.Zero && analysis.Timings.Liveness > TimeSpan.Zero);
    }

    [Fact]
    public void Enrolment_accepts_one_clear_face_and_rejects_a_group_photo_with_the_reason()
    {
        var check = new EnrolmentPhotoCheck(fixture.Pipeline, new FaceQualityGate());
        var groupBytes = File.ReadAllBytes(FacePipelineFixture.SamplePath(1));

        var group = check.Check(groupBytes);
        Assert.Equal(FaceQualityVerdict.SeveralFaces, group.Verdict);
        Assert.Contains("more than one face", group.Reason);
        Assert.Null(group.Face);

        // A portrait cut around the largest face of the group photo.
        using var photo = BgrImage.Load(FacePipelineFixture.SamplePath(1));
        var face = fixture.Pipeline.Analyse(photo.AsReadOnlySpan()).OrderByDescending(found => found.Quality.SizePixels).First();
        var margin = (int)(face.Box.Width * 0.4f);
        var x = Math.Max(0, (int)face.Box.X1 - margin);
        var y = Math.Max(0, (int)face.Box.Y1 - margin);
        var width = Math.Min(photo.Width - x, (int)face.Box.Width + (2 * margin));
        var height = Math.Min(photo.Height - y, (int)face.Box.Height + (2 * margin));
        var portrait = ImageOps.EncodeJpeg(photo.AsReadOnlySpan().Slice(x, y, width, height), 95);

        var single = check.Check(portrait);

        Assert.Equal(1, single.FacesFound);
        Assert.NotNull(single.Face);
        Assert.True(single.IsAccepted, single.Reason);
        Assert.True(single.Face!.Similarity(face) > 0.9f, "the portrait's embedding matches the face in the group photo");
        var enrolledAt = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var template = single.Face.ToTemplate("resident-7", enrolledAt, "ab12");
        Assert.Equal(fixture.Pipeline.EmbeddingModelId, template.ModelId);
        Assert.Equal(single.Face.Embedding.ToArray(), template.Embedding);
        Assert.InRange(template.Quality, 0.3f, 1f);
        Assert.Equal("resident-7", template.PersonId);

        // The same portrait shrunk below the minimum size is rejected as too small.
        var tiny = new FaceQualityGate(new FaceQualityThresholds { MinimumSizePixels = 4000 });
        Assert.Equal(FaceQualityVerdict.TooSmall, new EnrolmentPhotoCheck(fixture.Pipeline, tiny).Check(portrait).Verdict);
    }

    [Fact]
    public void Alignment_maps_the_five_points_onto_the_manifest_reference()
    {
        var faces = fixture.Pipeline.AnalyseFile(FacePipelineFixture.SamplePath(2));
        var aligner = new FaceAligner(fixture.Pipeline.Facts.AlignmentReference, 112);
        foreach (var face in faces)
        {
            var transform = aligner.Estimate(face.Points);
            for (var index = 0; index < FivePoints.Count; index++)
            {
                var mapped = transform.Apply(face.Points[index]);
                Assert.True(Vector2.Distance(mapped, fixture.Pipeline.Facts.AlignmentReference[index]) < 12f, $"point {index} lands at {mapped}");
            }
        }
    }
}
