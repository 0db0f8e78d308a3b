using EdgeGate.Evaluation;
using EdgeGate.Imaging;
using EdgeGate.TestSupport;
using EdgeGate.Vision.Faces;
using Xunit.Abstractions;

namespace EdgeGate.Vision.Tests.Faces;

/// <summary>
/// Enrolment takes any good photo: tight ID-style crops (made here from ../shared/face-data, never
/// stored) give exactly one face, and a refused photo names its reason.
/// </summary>
[Collection(FacePipelineCollection.Name)]
public sealed class EnrolmentPhotoTests(FacePipelineFixture fixture, ITestOutputHelper output)
{
    /// <summary>Crops of the detector's face box, 150×150 JPEG: cut at the forehead, and cut at the chin.</summary>
    private static readonly (string Name, float Top, float Side)[] TightCrops = [("forehead cut", 0.18f, 0.82f), ("chin cut", 0f, 0.85f)];

    [FaceDataFact]
    public void Tight_crops_of_single_face_photos_give_exactly_one_face_that_matches_the_whole_photo()
    {
        var check = new EnrolmentPhotoCheck(fixture.Pipeline, new FaceQualityGate());
        var root = RepositoryPaths.FaceData;
        var photos = LabelledPhotoSet.Load(Path.Combine(root, "labels.csv"), root).Photos
            .Where(photo => photo.IsLabelled && !photo.MultiFace && !photo.IsDuplicate)
            .ToList();
        var wrongWithoutBorder = new List<string>();
        var wrong = new List<string>();
        var similarities = new List<float>();
        foreach (var photo in photos)
        {
            using var image = BgrImage.Load(photo.FullPath);
            var whole = check.Analyse(image.AsReadOnlySpan()).MaxBy(face => face.Quality.SizePixels)!;
            foreach (var (name, top, side) in TightCrops)
            {
                var crop = TightCrop(image, whole.Box, top, side);
                using (var decoded = BgrImage.Decode(crop))
                {
                    var plain = fixture.Pipeline.Analyse(decoded.AsReadOnlySpan()).Count;
                    if (plain != 1)
                    {
                        wrongWithoutBorder.Add($"{photo.Path} {name}: {plain} faces");
                    }
                }
                var result = check.Check(crop);
                if (result.FacesFound != 1)
                {
                    wrong.Add($"{photo.Path} {name}: {result.FacesFound} faces ({result.Reason})");
                    continue;
                }
                similarities.Add(result.Face!.Similarity(whole));
            }
        }
        output.WriteLine($"{photos.Count} photos x {TightCrops.Length} crops; without the border {wrongWithoutBorder.Count} crops gave no face or several:");
        wrongWithoutBorder.ForEach(output.WriteLine);
        output.WriteLine($"with it: similarity to the whole photo min {similarities.Min():F3}, mean {similarities.Average():F3}");

        // The crops reproduce the problem (some fail without the border) and the border solves it.
        Assert.NotEmpty(wrongWithoutBorder);
        Assert.Empty(wrong);
        Assert.True(similarities.Min() >= 0.6f, $"a crop's face is far from its photo's: {similarities.Min():F3}");
    }

    [Fact]
    public void A_refused_photo_names_its_reason()
    {
        var check = new EnrolmentPhotoCheck(fixture.Pipeline, new FaceQualityGate());
        using var group = BgrImage.Load(FacePipelineFixture.SamplePath(5));
        var faces = fixture.Pipeline.Analyse(group.AsReadOnlySpan());
        var frontal = faces.Where(face => Math.Abs(face.Quality.YawDegrees) < 15 && face.Quality.Sharpness > 150).MaxBy(face => face.Quality.SizePixels)!;
        var turned = faces.MaxBy(face => Math.Abs(face.Quality.YawDegrees))!;
        Assert.True(Math.Abs(turned.Quality.YawDegrees) > 35, $"sample5's most turned face: yaw {turned.Quality.YawDegrees:F0}");

        using var blank = BgrImage.Create(400, 300);
        blank.Pixels.Fill(180);
        var portrait = Portrait(group, frontal.SquareBox, 2.0f);
        using var portraitImage = BgrImage.Decode(portrait);
        var cases = new (string Name, byte[] Photo, FaceQualityVerdict Verdict, string Code, string Words)[]
        {
            ("a wall", ImageOps.EncodeJpeg(blank.AsReadOnlySpan()), FaceQualityVerdict.NoFace, "no_face", "no face"),
            ("a group photo", File.ReadAllBytes(FacePipelineFixture.SamplePath(5)), FaceQualityVerdict.SeveralFaces, "several_faces", "more than one face"),
            ("a face far away", Shrunk(portraitImage, 0.2), FaceQualityVerdict.TooSmall, "too_small", "too small"),
            ("a blurred face", Blurred(portraitImage), FaceQualityVerdict.TooBlurred, "too_blurred", "blurred"),
            ("a turned head", Portrait(group, turned.SquareBox, 1.6f), FaceQualityVerdict.TooTurned, "pose", "turned"),
            ("not an image", "not a photo"u8.ToArray(), FaceQualityVerdict.UnreadableImage, "unreadable_image", "cannot be read"),
        };
        Assert.True(check.Check(portrait).IsAccepted, check.Check(portrait).Reason);
        foreach (var (name, photo, verdict, code, words) in cases)
        {
            var result = check.Check(photo);
            output.WriteLine($"{name}: {result.ReasonCode} ({result.Reason}), {result.FacesFound} faces");
            Assert.Equal(verdict, result.Verdict);
            Assert.Equal(code, result.ReasonCode);
            Assert.Contains(words, result.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_bystander_cut_by_the_photo_edge_does_not_count_but_a_second_whole_face_does()
    {
        var check = new EnrolmentPhotoCheck(fixture.Pipeline, new FaceQualityGate());
        // Two neighbours of a sample group photo, the right one smaller (further from the camera).
        var samples = Enumerable.Range(1, 6).Select(number => BgrImage.Load(FacePipelineFixture.SamplePath(number))).ToList();
        using var disposeSamples = new DisposeAll(samples);
        var (group, left, right) = samples
            .SelectMany(image => fixture.Pipeline.Analyse(image.AsReadOnlySpan())
                .OrderBy(face => face.Box.X1)
                .Zip(fixture.Pipeline.Analyse(image.AsReadOnlySpan()).OrderBy(face => face.Box.X1).Skip(1))
                .Select(pair => (Image: image, Left: pair.First.Clone(), Right: pair.Second.Clone())))
            .First(pair => pair.Right.Box.Height < 0.85f * pair.Left.Box.Height && pair.Right.Box.X1 > pair.Left.Box.X2);
        var x1 = Math.Max(0, (int)(left.Box.X1 - left.Box.Width));
        var y1 = Math.Max(0, (int)(Math.Min(left.Box.Y1, right.Box.Y1) - left.Box.Height));
        var y2 = Math.Min(group.Height, (int)(Math.Max(left.Box.Y2, right.Box.Y2) + left.Box.Height));
        // The right face cut through its middle by the photo's edge, then with room around it.
        var bystander = ImageOps.EncodeJpeg(group.AsReadOnlySpan().Slice(x1, y1, (int)((right.Box.X1 + right.Box.X2) / 2) - x1, y2 - y1), 95);
        var bothWhole = ImageOps.EncodeJpeg(group.AsReadOnlySpan().Slice(x1, y1, Math.Min(group.Width, (int)(right.Box.X2 + (right.Box.Width / 2))) - x1, y2 - y1), 95);

        var withBystander = check.Check(bystander);
        Assert.Equal(1, withBystander.FacesFound);
        Assert.True(withBystander.Face!.Similarity(left) > 0.8f, "the whole face is the one enrolled");
        Assert.Equal(FaceQualityVerdict.SeveralFaces, check.Check(bothWhole).Verdict);
    }

    [Fact]
    public void The_border_is_the_mean_colour_around_an_unchanged_copy()
    {
        using var source = BgrImage.Create(4, 2);
        byte[] pixels = [10, 20, 30, 10, 20, 30, 30, 40, 50, 30, 40, 50, 10, 20, 30, 10, 20, 30, 30, 40, 50, 30, 40, 50];
        pixels.CopyTo(source.Pixels);
        using var framed = BgrImage.Create(8, 6);

        ImageOps.CopyWithBorder(source.AsReadOnlySpan(), framed.AsSpan(), 2);

        Assert.Equal(new byte[] { 20, 30, 40 }, framed.Pixels[..3].ToArray());
        Assert.Equal(new byte[] { 20, 30, 40 }, framed.Pixels[^3..].ToArray());
        for (var row = 0; row < 2; row++)
        {
            Assert.Equal(source.AsReadOnlySpan().Row(row).ToArray(), framed.AsReadOnlySpan().Row(row + 2).Slice(6, 12).ToArray());
        }
        Assert.Throws<ArgumentException>(() => ImageOps.CopyWithBorder(source.AsReadOnlySpan(), framed.AsSpan(), 1));
    }

    /// <summary>A square crop of the face box, cut <paramref name="top"/> box heights below its top, <paramref name="side"/> box heights wide, as a 150×150 JPEG.</summary>
    private static byte[] TightCrop(BgrImage image, FaceBox box, float top, float side)
    {
        var size = box.Height * side;
        var centreX = (box.X1 + box.X2) / 2;
        var x = (int)Math.Max(0, centreX - (size / 2));
        var y = (int)Math.Max(0, box.Y1 + (top * box.Height));
        var width = (int)Math.Min(size, image.Width - x);
        var height = (int)Math.Min(size, image.Height - y);
        using var small = BgrImage.Create(150, 150);
        ImageOps.Resize(image.AsReadOnlySpan().Slice(x, y, width, height), small.AsSpan(), Interpolation.Area);
        return small.EncodeJpeg(90);
    }

    /// <summary>A square crop <paramref name="widths"/> face boxes wide around a face, as JPEG.</summary>
    private static byte[] Portrait(BgrImage image, PixelRectangle face, float widths)
    {
        var side = Math.Min(Math.Min(image.Width, image.Height), (int)(face.Width * widths));
        var x = Math.Clamp(face.X + (face.Width / 2) - (side / 2), 0, image.Width - side);
        var y = Math.Clamp(face.Y + (face.Height / 2) - (side / 2), 0, image.Height - side);
        return ImageOps.EncodeJpeg(image.AsReadOnlySpan().Slice(x, y, side, side), 95);
    }

    private static byte[] Shrunk(BgrImage image, double scale)
    {
        using var small = BgrImage.Create((int)(image.Width * scale), (int)(image.Height * scale));
        ImageOps.Resize(image.AsReadOnlySpan(), small.AsSpan(), Interpolation.Area);
        return small.EncodeJpeg(95);
    }

    /// <summary>Down to an eighth and back up: the face keeps its shape but loses every fine detail.</summary>
    private static byte[] Blurred(BgrImage image)
    {
        using var small = BgrImage.Create(image.Width / 8, image.Height / 8);
        ImageOps.Resize(image.AsReadOnlySpan(), small.AsSpan(), Interpolation.Area);
        using var large = BgrImage.Create(image.Width, image.Height);
        ImageOps.Resize(small.AsReadOnlySpan(), large.AsSpan(), Interpolation.Linear);
        return large.EncodeJpeg(95);
    }

    private sealed class DisposeAll(IEnumerable<IDisposable> items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items)
            {
                item.Dispose();
            }
        }
    }
}
