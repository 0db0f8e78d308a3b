using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeGate.Core.Recognition;
using EdgeGate.Gateway.Tests.Api;
using EdgeGate.Imaging;
using EdgeGate.Recognition;
using EdgeGate.Storage;
using EdgeGate.TestSupport.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGate.Gateway.Tests.Live;

/// <summary>Stranger snapshots: sealed at rest like templates, kept only for their retention, opened only for token holders.</summary>
public sealed class StrangerSnapshotStoreTests : IAsyncLifetime
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
    private TestDatabase store = null!;

    private string Folder => Path.Combine(store.Folder, "strangers");

    public async Task InitializeAsync() => store = await TestDatabase.OpenNewAsync(time: time);

    public async Task DisposeAsync() => await store.DisposeAsync();

    private StrangerSnapshotStore Snapshots(long limit = 1_000_000, double retentionHours = 24, EdgeGateDatabase? database = null) =>
        new(Folder, limit, TimeSpan.FromHours(retentionHours), (database ?? store.Db).SnapshotCipher, time);

    private StrangerSighting Sighting(byte[]? jpeg, long track, string camera = "gate") =>
        new(camera, "main", track, 0.2, 0.9, time.GetUtcNow(), time.GetUtcNow(), time.GetUtcNow(), jpeg);

    [Fact]
    public async Task A_snapshot_is_sealed_on_disk_and_opens_only_under_its_own_name_and_key()
    {
        var snapshots = Snapshots();
        var jpeg = SampleJpeg();

        var path = snapshots.Save(Sighting(jpeg, 7))!;

        var onDisk = File.ReadAllBytes(path);
        Assert.EndsWith(StrangerSnapshotStore.Extension, path, StringComparison.Ordinal);
        Assert.Equal(-1, onDisk.AsSpan().IndexOf(jpeg.AsSpan(0, 64)));
        Assert.NotEqual((byte)0xFF, onDisk[0]);
        var name = Path.GetFileName(path);
        Assert.Equal(jpeg, snapshots.Read(name));
        var listed = Assert.Single(snapshots.List());
        Assert.Equal((name, "gate", 7L, time.GetUtcNow()), (listed.Name, listed.Camera, listed.TrackId, listed.TakenAt));

        // Another name for the same bytes, altered bytes, another gateway's key: nothing opens.
        var renamed = name.Replace("_7.", "_8.", StringComparison.Ordinal);
        File.Copy(path, Path.Combine(Folder, renamed));
        Assert.Throws<TemplateDecryptionException>(() => snapshots.Read(renamed));
        onDisk[^1] ^= 1;
        File.WriteAllBytes(path, onDisk);
        Assert.Throws<TemplateDecryptionException>(() => snapshots.Read(name));
        onDisk[^1] ^= 1;
        File.WriteAllBytes(path, onDisk);
        await using var other = await TestDatabase.OpenNewAsync(time: time);
        Assert.Throws<TemplateDecryptionException>(() => Snapshots(database: other.Db).Read(name));
        Assert.Equal(jpeg, snapshots.Read(name));

        // Names that are not a snapshot's are never read.
        Assert.Null(snapshots.Read("../edgegate.db"));
        Assert.Null(snapshots.Read(name.Replace(StrangerSnapshotStore.Extension, ".jpg", StringComparison.Ordinal)));
        Assert.Null(snapshots.Read("20261123T080000000Z_gate_99" + StrangerSnapshotStore.Extension));
    }

    [Fact]
    public void Snapshots_are_kept_within_the_retention_and_the_size_limit()
    {
        var sealedSize = new FileInfo(Snapshots().Save(Sighting(new byte[1000], 0))!).Length;
        Directory.Delete(Folder, recursive: true);
        var snapshots = Snapshots(limit: (2 * sealedSize) + (sealedSize / 2));
        var first = snapshots.Save(Sighting(new byte[1000], 1));
        Assert.True(File.Exists(first));
        Assert.Null(snapshots.Save(Sighting(null, 2)));

        time.Advance(TimeSpan.FromHours(1));
        var second = snapshots.Save(Sighting(new byte[1000], 3));
        time.Advance(TimeSpan.FromHours(1));
        var third = snapshots.Save(Sighting(new byte[1000], 4));
        // Three snapshots exceed the limit: the oldest went.
        Assert.False(File.Exists(first));
        Assert.True(File.Exists(second) && File.Exists(third));

        time.Advance(TimeSpan.FromHours(23.5));
        Assert.Null(snapshots.Read(Path.GetFileName(second)!));
        Assert.Equal(1, snapshots.Prune());
        Assert.False(File.Exists(second));
        Assert.True(File.Exists(third));
        Assert.Empty(Directory.GetFiles(Folder, "*.tmp"));
    }

    [Fact]
    public void Snapshots_an_older_release_kept_in_clear_are_sealed_or_deleted_at_the_first_prune()
    {
        Directory.CreateDirectory(Folder);
        var jpeg = SampleJpeg();
        var recent = Path.Combine(Folder, "20261123T070000000Z_gate_1.jpg");
        var old = Path.Combine(Folder, "20261120T070000000Z_gate_2.jpg");
        File.WriteAllBytes(recent, jpeg);
        File.WriteAllBytes(old, jpeg);
        var snapshots = Snapshots();

        Assert.Equal(1, snapshots.Prune());

        Assert.Empty(Directory.GetFiles(Folder, "*.jpg"));
        Assert.Equal(jpeg, snapshots.Read("20261123T070000000Z_gate_1" + StrangerSnapshotStore.Extension));
        Assert.Single(snapshots.List());
    }

    [Fact]
    public async Task The_pruning_service_deletes_snapshots_past_their_retention_without_a_new_stranger()
    {
        var snapshots = Snapshots(retentionHours: 1);
        var path = snapshots.Save(Sighting(SampleJpeg(), 1))!;
        var holder = new LiveGateRegistration.StrangerSnapshotHolder(snapshots, TakeSnapshots: false);
        using var pruning = new StrangerSnapshotPruning(holder, time, NullLogger<StrangerSnapshotPruning>.Instance);
        await pruning.StartAsync(CancellationToken.None);
        try
        {
            Assert.True(File.Exists(path));
            await Eventually.UntilAsync(
                () =>
                {
                    time.Advance(TimeSpan.FromMinutes(6));
                    return !File.Exists(path);
                },
                TimeSpan.FromSeconds(20),
                "the pruning to delete the expired snapshot");
            Assert.False(File.Exists(path), "the snapshot outlived its retention");
        }
        finally
        {
            await pruning.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_api_lists_snapshots_and_serves_them_opened_to_token_holders_only()
    {
        await using var host = await ConsoleTestHost.StartAsync(configureServices: (services, _) =>
            services.AddSingleton(provider => new LiveGateRegistration.StrangerSnapshotHolder(
                new StrangerSnapshotStore(Folder, 1_000_000, TimeSpan.FromDays(7), provider.GetRequiredService<EdgeGateDatabase>().SnapshotCipher), TakeSnapshots: true)));
        var snapshots = host.Services.GetRequiredService<LiveGateRegistration.StrangerSnapshotHolder>().Store!;
        var jpeg = SampleJpeg();
        var sighting = new StrangerSighting("gate", "main", 12, 0.2, 0.9, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, jpeg);
        var name = Path.GetFileName(snapshots.Save(sighting))!;
        using var anonymous = new HttpClient { BaseAddress = host.BaseAddress };
        using var client = host.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/strangers")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/v1/strangers/{name}")).StatusCode);
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/strangers");
        var entry = Assert.Single(list.EnumerateArray());
        Assert.Equal((name, "gate", 12L), (entry.GetProperty("name").GetString(), entry.GetProperty("camera").GetString(), entry.GetProperty("trackId").GetInt64()));
        var served = await client.GetAsync($"/api/v1/strangers/{name}");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/jpeg", served.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-store", served.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Equal(jpeg, await served.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/strangers/..%2Fedgegate.db")).StatusCode);
    }

    [Fact]
    public void Snapshot_is_a_small_jpeg_of_the_face_surroundings()
    {
        using var frame = BgrImage.Create(1280, 720);
        var pixels = frame.Pixels;
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)((i * 31) ^ (i >> 7));
        }
        var jpeg = StrangerSnapshot.Encode(frame.AsReadOnlySpan(), new System.Drawing.RectangleF(600, 300, 200, 200), maximumBytes: 65536);
        Assert.NotNull(jpeg);
        Assert.InRange(jpeg.Length, 100, 65536);
        using var decoded = BgrImage.Decode(jpeg);
        Assert.Equal(StrangerSnapshot.MaximumSide, Math.Max(decoded.Width, decoded.Height));

        Assert.Null(StrangerSnapshot.Encode(frame.AsReadOnlySpan(), new System.Drawing.RectangleF(600, 300, 200, 200), maximumBytes: 50));
        Assert.Null(StrangerSnapshot.Encode(frame.AsReadOnlySpan(), new System.Drawing.RectangleF(5000, 5000, 100, 100), maximumBytes: 65536));
    }

    private static byte[] SampleJpeg()
    {
        using var image = BgrImage.Create(64, 48);
        for (var index = 0; index < image.Pixels.Length; index++)
        {
            image.Pixels[index] = (byte)(index * 7);
        }
        return image.EncodeJpeg(90);
    }
}
