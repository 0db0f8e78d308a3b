using EdgeGate.Core.Recognition;
using EdgeGate.Gateway.Live;
using EdgeGate.Vision.Imaging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGate.Gateway.Tests.Live;

public sealed class StrangerSnapshotStoreTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "edgegate-snapshots-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private StrangerSighting Sighting(int size, long track) =>
        new("gate", "main", track, 0.2, 0.9, time.GetUtcNow(), time.GetUtcNow(), time.GetUtcNow(), new byte[size]);

    [Fact]
    public void KeepsSnapshotsWithinTheRetentionAndTheSizeLimit()
    {
        var store = new StrangerSnapshotStore(directory, storageLimitBytes: 2500, TimeSpan.FromDays(1), time);
        var first = store.Save(Sighting(1000, 1));
        Assert.True(File.Exists(first));
        Assert.Null(store.Save(Sighting(1000, 2) with { JpegSnapshot = null }));

        time.Advance(TimeSpan.FromHours(1));
        var second = store.Save(Sighting(1000, 3));
        time.Advance(TimeSpan.FromHours(1));
        var third = store.Save(Sighting(1000, 4));
        // 3000 bytes > 2500: the oldest went.
        Assert.False(File.Exists(first));
        Assert.True(File.Exists(second) && File.Exists(third));

        time.Advance(TimeSpan.FromHours(23.5));
        Assert.Equal(1, store.Prune());
        Assert.False(File.Exists(second));
        Assert.True(File.Exists(third));
        Assert.Empty(Directory.GetFiles(directory, "*.tmp"));
    }

    [Fact]
    public void SnapshotIsASmallJpegOfTheFaceSurroundings()
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
}
