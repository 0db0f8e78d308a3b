using EdgeGate.Core.Persons;
using EdgeGate.Evaluation;
using EdgeGate.Gallery;
using EdgeGate.Imaging;
using EdgeGate.Recognition.Enrolment;
using EdgeGate.TestSupport.Storage;
using EdgeGate.Vision.Faces;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Enrolment;

/// <summary>
/// Enrolment through <see cref="EnrolmentService"/> with the real models and ../shared/face-data,
/// and the gate's gallery kept by <see cref="GallerySynchroniser"/> from the store.
/// </summary>
[Collection(EnrolmentCollection.Name)]
public sealed class EnrolmentGalleryTests(FacePipelineFixture fixture, ITestOutputHelper output)
{
    [FaceDataFact]
    public async Task One_photo_per_identity_identifies_every_other_labelled_photo_and_deregistered_or_expired_persons_never_match()
    {
        var photos = FacePipelineFixture.FaceData!.Photos.Where(photo => photo.IsLabelled && !photo.IsDuplicate && !photo.MultiFace).ToList();
        var identities = photos.GroupBy(photo => photo.Label!).OrderBy(group => group.Key, StringComparer.Ordinal).ToList();
        var clock = new FakeTimeProvider(new DateTimeOffset(2027, 3, 1, 9, 0, 0, TimeSpan.Zero));
        await using var store = await TestDatabase.OpenNewAsync(time: clock);
        using var enrolment = new EnrolmentService(store.Db, fixture.Pipeline);
        var enrolledPhoto = new Dictionary<string, LabelledPhoto>();
        var singlePhotoTimes = new List<TimeSpan>();
        var checkTimes = new List<TimeSpan>();
        var cpuTimes = new List<TimeSpan>();

        foreach (var identity in identities)
        {
            foreach (var candidate in identity.OrderBy(photo => photo.Path, StringComparer.Ordinal))
            {
                var photo = await EnrolmentPhoto.ReadAsync(candidate.FullPath);
                // Process CPU time as well as wall time: this machine's load average is far above its
                // two cores, so wall time mostly measures waiting for a core.
                var cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
                var outcome = await enrolment.EnrolAsync(new Person { Id = identity.Key, DisplayName = identity.Key }.Consented(), [photo]);
                var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
                if (outcome.Succeeded)
                {
                    enrolledPhoto[identity.Key] = candidate;
                    singlePhotoTimes.Add(outcome.Took);
                    checkTimes.Add(outcome.Photos[0].Took);
                    cpuTimes.Add(cpu);
                    break;
                }
                output.WriteLine($"{candidate.Path}: not enrolled: {outcome.Message}");
                Assert.Equal(EnrolmentStatus.Rejected, outcome.Status);
            }
        }
        Assert.Equal(identities.Count, enrolledPhoto.Count);

        using var gallery = new FaceGallery();
        var synchroniser = new GallerySynchroniser(store.Db, gallery, enrolment.ModelId, GallerySynchroniser.MatchEligible);
        await synchroniser.LoadAsync(CancellationToken.None);
        Assert.Equal(identities.Count, gallery.PersonCount);

        var probes = photos.Where(photo => enrolledPhoto[photo.Label!] != photo).ToList();
        var embeddings = probes.Select(photo => (Photo: photo, Embedding: Embed(photo))).ToList();
        var wrong = embeddings.Where(probe => gallery.Search(probe.Embedding).BestPersonId != probe.Photo.Label).Select(probe => probe.Photo.Path).ToList();
        var matched = embeddings.Count(probe => gallery.Match(probe.Embedding).PersonId == probe.Photo.Label);
        var sorted = singlePhotoTimes.Order().ToList();
        var checks = checkTimes.Order().ToList();
        var cpus = cpuTimes.Order().ToList();
        output.WriteLine($"{identities.Count} identities enrolled from one photo each; {probes.Count} other photos: top-1 wrong {wrong.Count}, " +
            $"matched at the gallery's default thresholds {matched}/{probes.Count}");
        output.WriteLine($"enrolment of one photo (check + duplicate search + store commit): median {sorted[sorted.Count / 2].TotalMilliseconds:0.0} ms, " +
            $"p90 {sorted[(int)(sorted.Count * 0.9)].TotalMilliseconds:0.0} ms, max {sorted[^1].TotalMilliseconds:0.0} ms; " +
            $"of which decode + face pipeline + duplicate search: median {checks[checks.Count / 2].TotalMilliseconds:0.0} ms; process CPU time per enrolment: median {cpus[cpus.Count / 2].TotalMilliseconds:0.0} ms, p90 {cpus[(int)(cpus.Count * 0.9)].TotalMilliseconds:0.0} ms (photos up to 1382x1868, liveness included); load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Assert.Empty(wrong);

        // Move-out and expiry: their faces must never be returned again.
        var deregistered = identities[0].Key;
        var expired = identities[1].Key;
        await store.Db.Persons.DeregisterAsync(deregistered);
        var expiring = (await store.Db.Persons.GetAsync(expired))!;
        Assert.True((await store.Db.Persons.UpdateAsync(expiring with { ValidUntil = clock.GetUtcNow().AddHours(1) })).Succeeded);
        await synchroniser.ApplyChangesAsync(CancellationToken.None);
        Assert.True(gallery.IsPersonEligible(expired), "still valid for an hour");
        Assert.Equal(clock.GetUtcNow().AddHours(1).AddTicks(1), synchroniser.NextEligibilityChange(clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(1, synchroniser.RefreshEligibility(clock.GetUtcNow()));

        foreach (var probe in embeddings.Concat(identities.Take(2).Select(identity => (Photo: enrolledPhoto[identity.Key], Embedding: Embed(enrolledPhoto[identity.Key])))))
        {
            var search = gallery.Search(probe.Embedding);
            Assert.NotEqual(deregistered, search.BestPersonId);
            Assert.NotEqual(expired, search.BestPersonId);
            Assert.NotEqual(deregistered, search.SecondPersonId);
            Assert.NotEqual(expired, search.SecondPersonId);
            if (probe.Photo.Label != deregistered && probe.Photo.Label != expired)
            {
                Assert.Equal(probe.Photo.Label, search.BestPersonId);
            }
        }
        Assert.Empty(gallery.GetTemplateIds(deregistered));
        Assert.Empty(await store.Db.Templates.ListForPersonAsync(deregistered));
    }

    [FaceDataFact]
    public async Task A_second_photo_of_an_enrolled_face_under_another_id_is_a_possible_duplicate_and_nothing_is_stored()
    {
        var identity = FacePipelineFixture.FaceData!.Photos
            .Where(photo => photo.IsLabelled && !photo.IsDuplicate && !photo.MultiFace)
            .GroupBy(photo => photo.Label!)
            .First(group => group.Count() >= 3)
            .OrderBy(photo => photo.Path, StringComparer.Ordinal)
            .ToList();
        await using var store = await TestDatabase.OpenNewAsync(time: TimeProvider.System);
        using var enrolment = new EnrolmentService(store.Db, fixture.Pipeline);

        var first = await enrolment.EnrolAsync(new Person { Id = "p-1", DisplayName = "First" }.Consented(), [await EnrolmentPhoto.ReadAsync(identity[0].FullPath)]);
        var sameIdSecondPhoto = await enrolment.EnrolAsync("p-1", [await EnrolmentPhoto.ReadAsync(identity[1].FullPath)]);
        var other = await enrolment.EnrolAsync(new Person { Id = "p-2", DisplayName = "Second" }.Consented(), [await EnrolmentPhoto.ReadAsync(identity[2].FullPath)]);

        Assert.True(first.Succeeded, first.Message);
        Assert.True(sameIdSecondPhoto.Succeeded, sameIdSecondPhoto.Message);
        Assert.Equal(EnrolmentStatus.PossibleDuplicate, other.Status);
        Assert.Contains("possible duplicate of p-1", other.Message, StringComparison.Ordinal);
        Assert.Equal("p-1", Assert.Single(other.Photos).DuplicateOf);
        Assert.Null(await store.Db.Persons.GetAsync("p-2"));
        Assert.Equal(2, (await store.Db.Templates.ListForPersonAsync("p-1")).Count);
        output.WriteLine(other.Message);
    }

    [FaceDataFact]
    public async Task Bad_photos_are_rejected_with_the_reason()
    {
        var data = FacePipelineFixture.FaceData!;
        var group = data.Photos.First(photo => photo.MultiFace);
        var single = data.Photos.First(photo => photo.IsLabelled && !photo.IsDuplicate && !photo.MultiFace);
        using var image = BgrImage.Load(single.FullPath);
        var faceSize = fixture.Pipeline.Analyse(image.AsReadOnlySpan()).Max(face => face.SquareBox.Width);
        // The face shrunk to about 40 pixels (the gate wants 64), and a copy blurred so that the
        // 112-pixel aligned face is smoothed with a sigma of about 3 pixels (three box passes of
        // radius r approximate a Gaussian of sigma r; the aligned face is about 112/faceSize of the photo).
        var tiny = Scaled(image, 40.0 / faceSize);
        var blurred = Blurred(image, Math.Max(2, faceSize / 40));
        byte[] blank;
        using (var grey = BgrImage.Create(320, 240))
        {
            grey.Pixels.Fill(128);
            blank = grey.EncodePng();
        }
        await using var store = await TestDatabase.OpenNewAsync(time: TimeProvider.System);
        using var enrolment = new EnrolmentService(store.Db, fixture.Pipeline);

        var outcome = await enrolment.EnrolAsync(new Person { Id = "r-1", DisplayName = "Rejected" }.Consented(), [
            await EnrolmentPhoto.ReadAsync(group.FullPath),
            new EnrolmentPhoto("blank.png", blank),
            new EnrolmentPhoto("tiny.jpg", tiny),
            new EnrolmentPhoto("blurred.jpg", blurred),
            new EnrolmentPhoto("not-an-image.jpg", "this is not a JPEG"u8.ToArray()),
        ]);

        foreach (var photo in outcome.Photos)
        {
            output.WriteLine($"{photo.Name}: {photo.Quality}: {photo.Reason}");
        }
        Assert.Equal(EnrolmentStatus.Rejected, outcome.Status);
        Assert.Equal(
            [FaceQualityVerdict.SeveralFaces, FaceQualityVerdict.NoFace, FaceQualityVerdict.TooSmall, FaceQualityVerdict.TooBlurred, FaceQualityVerdict.UnreadableImage],
            outcome.Photos.Select(photo => photo.Quality));
        Assert.All(outcome.Photos, photo => Assert.False(photo.Accepted));
        Assert.Contains("more than one face", outcome.Message, StringComparison.Ordinal);
        Assert.Null(await store.Db.Persons.GetAsync("r-1"));
    }

    private float[] Embed(LabelledPhoto photo)
    {
        var faces = fixture.Pipeline.AnalyseFile(photo.FullPath);
        var face = faces.Where(candidate => candidate.HasEmbedding).MaxBy(candidate => candidate.SquareBox.Width);
        Assert.True(face is not null, $"no face found in {photo.Path}");
        return face.Embedding.ToArray();
    }

    /// <summary>The image scaled by <paramref name="scale"/>, as a JPEG.</summary>
    private static byte[] Scaled(BgrImage image, double scale)
    {
        using var small = BgrImage.Create(Math.Max(8, (int)(image.Width * scale)), Math.Max(8, (int)(image.Height * scale)));
        ImageOps.Resize(image.AsReadOnlySpan(), small.AsSpan());
        return small.EncodeJpeg();
    }

    /// <summary>Three passes of a separable box blur of <paramref name="radius"/> (close to a Gaussian), as a PNG.</summary>
    private static byte[] Blurred(BgrImage image, int radius)
    {
        using var copy = BgrImage.Create(image.Width, image.Height);
        image.Pixels.CopyTo(copy.Pixels);
        var pixels = copy.Pixels.ToArray();
        var scratch = new byte[pixels.Length];
        for (var pass = 0; pass < 3; pass++)
        {
            BoxBlur(pixels, scratch, copy.Width, copy.Height, copy.Stride, radius, horizontal: true);
            BoxBlur(scratch, pixels, copy.Width, copy.Height, copy.Stride, radius, horizontal: false);
        }
        pixels.CopyTo(copy.Pixels);
        return copy.EncodePng();
    }

    /// <summary>One box-blur pass along rows or columns, with a running sum (clamped edges).</summary>
    private static void BoxBlur(byte[] source, byte[] destination, int width, int height, int stride, int radius, bool horizontal)
    {
        var lines = horizontal ? height : width;
        var length = horizontal ? width : height;
        var window = (2 * radius) + 1;
        for (var line = 0; line < lines; line++)
        {
            for (var channel = 0; channel < 3; channel++)
            {
                int At(int position)
                {
                    var clamped = Math.Clamp(position, 0, length - 1);
                    return horizontal ? (line * stride) + (clamped * 3) + channel : (clamped * stride) + (line * 3) + channel;
                }

                var sum = 0;
                for (var offset = -radius; offset <= radius; offset++)
                {
                    sum += source[At(offset)];
                }
                for (var position = 0; position < length; position++)
                {
                    destination[At(position)] = (byte)(sum / window);
                    sum += source[At(position + radius + 1)] - source[At(position - radius)];
                }
            }
        }
    }
}
