using EdgeGate.Core.Persons;
using EdgeGate.Gateway.Enrolment;
using EdgeGate.Vision.Faces;
using EdgeGate.Vision.Faces.Evaluation;
using EdgeGate.Vision.Gallery;
using EdgeGate.Vision.Imaging;
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
        await using var store = TemporaryDatabase.Create(clock);
        using var enrolment = new EnrolmentService(store.Database, fixture.Pipeline);
        var enrolledPhoto = new Dictionary<string, LabelledPhoto>();
        var singlePhotoTimes = new List<TimeSpan>();

        foreach (var identity in identities)
        {
            foreach (var candidate in identity.OrderBy(photo => photo.Path, StringComparer.Ordinal))
            {
                var outcome = await enrolment.EnrolAsync(
                    new Person { Id = identity.Key, DisplayName = identity.Key },
                    [await EnrolmentPhoto.ReadAsync(candidate.FullPath)]);
                if (outcome.Succeeded)
                {
                    enrolledPhoto[identity.Key] = candidate;
                    singlePhotoTimes.Add(outcome.Took);
                    break;
                }
                output.WriteLine($"{candidate.Path}: not enrolled: {outcome.Message}");
                Assert.Equal(EnrolmentStatus.Rejected, outcome.Status);
            }
        }
        Assert.Equal(identities.Count, enrolledPhoto.Count);

        using var gallery = new FaceGallery();
        var synchroniser = new GallerySynchroniser(store.Database, gallery, enrolment.ModelId, GallerySynchroniser.MatchEligible);
        await synchroniser.LoadAsync(CancellationToken.None);
        Assert.Equal(identities.Count, gallery.PersonCount);

        var probes = photos.Where(photo => enrolledPhoto[photo.Label!] != photo).ToList();
        var embeddings = probes.Select(photo => (Photo: photo, Embedding: Embed(photo))).ToList();
        var wrong = embeddings.Where(probe => gallery.Search(probe.Embedding).BestPersonId != probe.Photo.Label).Select(probe => probe.Photo.Path).ToList();
        var matched = embeddings.Count(probe => gallery.Match(probe.Embedding).PersonId == probe.Photo.Label);
        var sorted = singlePhotoTimes.Order().ToList();
        output.WriteLine($"{identities.Count} identities enrolled from one photo each; {probes.Count} other photos: top-1 wrong {wrong.Count}, " +
            $"matched at the gallery's default thresholds {matched}/{probes.Count}");
        output.WriteLine($"enrolment of one photo (check + duplicate search + store commit): median {sorted[sorted.Count / 2].TotalMilliseconds:0.0} ms, " +
            $"p90 {sorted[(int)(sorted.Count * 0.9)].TotalMilliseconds:0.0} ms, max {sorted[^1].TotalMilliseconds:0.0} ms");
        Assert.Empty(wrong);

        // Move-out and expiry: their faces must never be returned again.
        var deregistered = identities[0].Key;
        var expired = identities[1].Key;
        await store.Database.Persons.DeregisterAsync(deregistered);
        var expiring = (await store.Database.Persons.GetAsync(expired))!;
        Assert.True((await store.Database.Persons.UpdateAsync(expiring with { ValidUntil = clock.GetUtcNow().AddHours(1) })).Succeeded);
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
        Assert.Empty(await store.Database.Templates.ListForPersonAsync(deregistered));
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
        await using var store = TemporaryDatabase.Create();
        using var enrolment = new EnrolmentService(store.Database, fixture.Pipeline);

        var first = await enrolment.EnrolAsync(new Person { Id = "p-1", DisplayName = "First" }, [await EnrolmentPhoto.ReadAsync(identity[0].FullPath)]);
        var sameIdSecondPhoto = await enrolment.EnrolAsync("p-1", [await EnrolmentPhoto.ReadAsync(identity[1].FullPath)]);
        var other = await enrolment.EnrolAsync(new Person { Id = "p-2", DisplayName = "Second" }, [await EnrolmentPhoto.ReadAsync(identity[2].FullPath)]);

        Assert.True(first.Succeeded, first.Message);
        Assert.True(sameIdSecondPhoto.Succeeded, sameIdSecondPhoto.Message);
        Assert.Equal(EnrolmentStatus.PossibleDuplicate, other.Status);
        Assert.Contains("possible duplicate of p-1", other.Message, StringComparison.Ordinal);
        Assert.Equal("p-1", Assert.Single(other.Photos).DuplicateOf);
        Assert.Null(await store.Database.Persons.GetAsync("p-2"));
        Assert.Equal(2, (await store.Database.Templates.ListForPersonAsync("p-1")).Count);
        output.WriteLine(other.Message);
    }

    [FaceDataFact]
    public async Task Bad_photos_are_rejected_with_the_reason()
    {
        var data = FacePipelineFixture.FaceData!;
        var group = data.Photos.First(photo => photo.MultiFace);
        var single = data.Photos.First(photo => photo.IsLabelled && !photo.IsDuplicate && !photo.MultiFace);
        using var image = BgrImage.Load(single.FullPath);
        var tiny = Scaled(image, 1.0 / 8, 1.0);
        var blurred = Scaled(image, 1.0 / 10, 10.0);
        byte[] blank;
        using (var grey = BgrImage.Create(320, 240))
        {
            grey.Pixels.Fill(128);
            blank = grey.EncodePng();
        }
        await using var store = TemporaryDatabase.Create();
        using var enrolment = new EnrolmentService(store.Database, fixture.Pipeline);

        var outcome = await enrolment.EnrolAsync(new Person { Id = "r-1", DisplayName = "Rejected" }, [
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
        Assert.Null(await store.Database.Persons.GetAsync("r-1"));
    }

    private float[] Embed(LabelledPhoto photo)
    {
        var faces = fixture.Pipeline.AnalyseFile(photo.FullPath);
        var face = faces.Where(candidate => candidate.HasEmbedding).MaxBy(candidate => candidate.SquareBox.Width);
        Assert.True(face is not null, $"no face found in {photo.Path}");
        return face.Embedding.ToArray();
    }

    /// <summary>Scales the image down, then by <paramref name="upscale"/> (a blurred copy when above 1), as a JPEG.</summary>
    private static byte[] Scaled(BgrImage image, double downscale, double upscale)
    {
        var smallWidth = Math.Max(8, (int)(image.Width * downscale));
        var smallHeight = Math.Max(8, (int)(image.Height * downscale));
        using var small = BgrImage.Create(smallWidth, smallHeight);
        ImageOps.Resize(image.AsReadOnlySpan(), small.AsSpan());
        if (upscale <= 1.0)
        {
            return small.EncodeJpeg();
        }
        using var large = BgrImage.Create((int)(smallWidth * upscale), (int)(smallHeight * upscale));
        ImageOps.Resize(small.AsReadOnlySpan(), large.AsSpan());
        return large.EncodeJpeg();
    }
}
