using EdgeGate.Core.Access;
using EdgeGate.Core.Persons;
using EdgeGate.Gallery;
using EdgeGate.Recognition.Enrolment;
using EdgeGate.TestSupport.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGate.Gateway.Tests.Enrolment;

/// <summary><see cref="GallerySyncService"/> on a real store: start-up load, the change feed, validity ending with no store change.</summary>
public sealed class GallerySyncServiceTests
{
    private const string ModelId = "test-model";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Gallery_follows_enrolment_expiry_and_deregistration()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2027, 5, 1, 8, 0, 0, TimeSpan.Zero));
        await using var store = await TestDatabase.OpenNewAsync(time: clock);
        await store.Db.Persons.EnrolAsync(new Person { Id = "p-1", DisplayName = "One" }.Consented(), [Template("p-1", seed: 1)]);
        using var gallery = new FaceGallery();
        var history = new AccessHistory();
        history.Record(new AccessDecision
        {
            Outcome = AccessOutcome.Granted,
            Reason = AccessReason.GrantedFace,
            Message = "welcome",
            Credential = new FaceCredential("p-2", 0.7, 0.9, true, "cam"),
            PersonId = "p-2",
            DoorId = "gate",
            At = clock.GetUtcNow(),
        });
        var synchroniser = new GallerySynchroniser(store.Db, gallery, ModelId, GallerySynchroniser.MatchEligible, history);
        using var service = new GallerySyncService(synchroniser, store.Db, clock, NullLogger<GallerySyncService>.Instance);

        await service.StartAsync(CancellationToken.None);
        try
        {
            await service.Loaded.WaitAsync(Wait);
            Assert.Equal(1, gallery.PersonCount);

            var probe = Template("p-2", seed: 2);
            await store.Db.Persons.EnrolAsync(
                new Person { Id = "p-2", DisplayName = "Two", ValidUntil = clock.GetUtcNow().AddHours(1) }.Consented(), [probe]);
            await UntilAsync(() => gallery.Search(probe.Embedding).BestPersonId == "p-2");

            // Validity ends without any change in the store: the service wakes at that instant.
            clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
            await UntilAsync(() => gallery.IsPersonEligible("p-2") == false);
            Assert.NotEqual("p-2", gallery.Search(probe.Embedding).BestPersonId);

            await store.Db.Persons.DeregisterAsync("p-2");
            await UntilAsync(() => gallery.IsPersonEligible("p-2") is null);
            Assert.Empty(gallery.GetTemplateIds("p-2"));
            Assert.Null(history.LastDecision("p-2", "gate"));
            Assert.Equal("p-1", gallery.Search(Template("p-1", seed: 1).Embedding).BestPersonId);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    private static Task UntilAsync(Func<bool> condition)
        => Eventually.UntilAsync(condition, Wait, "the gallery to follow the store");

    private static FaceTemplate Template(string personId, int seed)
    {
        var random = new Random(seed);
        var embedding = new float[512];
        for (var i = 0; i < embedding.Length; i++)
        {
            embedding[i] = (float)(random.NextDouble() - 0.5);
        }
        var norm = MathF.Sqrt(embedding.Sum(value => value * value));
        for (var i = 0; i < embedding.Length; i++)
        {
            embedding[i] /= norm;
        }
        return new FaceTemplate { PersonId = personId, ModelId = ModelId, Embedding = embedding, SourcePhotoSha256 = $"{seed:x64}" };
    }
}
