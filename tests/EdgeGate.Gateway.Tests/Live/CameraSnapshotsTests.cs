using EdgeGate.Imaging;
using EdgeGate.Recognition;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGate.Gateway.Tests.Live;

/// <summary>
/// The console's camera snapshots: frames are copied only while someone asks, at most once a second,
/// encoded (real OpenCV JPEG) once per copy on the asking side, and never shown when stale.
/// </summary>
public sealed class CameraSnapshotsTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 6, 15, 8, 0, 0, TimeSpan.Zero));
    private readonly CameraSnapshots snapshots;
    private readonly BgrImage frame = Frame(320, 240, blue: 200, green: 40, red: 10);

    public CameraSnapshotsTests()
    {
        snapshots = new CameraSnapshots(["gate-cam", "garage-cam"], time);
    }

    public void Dispose() => frame.Dispose();

    [Fact]
    public void Nothing_is_copied_while_nobody_asks()
    {
        for (var i = 0; i < 20; i++)
        {
            snapshots.Offer("gate-cam", frame.AsReadOnlySpan());
            time.Advance(TimeSpan.FromMilliseconds(500));
        }
        Assert.Equal(0, snapshots.FramesCopied);
    }

    [Fact]
    public async Task The_first_request_waits_for_the_next_frame_and_gets_it_as_jpeg()
    {
        var request = snapshots.GetLatestJpegAsync("gate-cam", CancellationToken.None);
        Assert.False(request.IsCompleted);

        // A strided view: only the region's rows end up in the snapshot.
        using var wide = Frame(400, 240, blue: 0, green: 0, red: 0);
        var region = wide.AsSpan().Slice(40, 0, 320, 240);
        for (var y = 0; y < 240; y++)
        {
            frame.AsReadOnlySpan().Row(y).CopyTo(region.Row(y));
        }
        snapshots.Offer("gate-cam", region);

        var jpeg = await request.WaitAsync(Bound);
        Assert.NotNull(jpeg);
        using var decoded = BgrImage.Decode(jpeg);
        Assert.Equal((320, 240), (decoded.Width, decoded.Height));
        var pixel = decoded.AsReadOnlySpan().Row(120).Slice(160 * 3, 3).ToArray();
        Assert.InRange(pixel[0], 190, 210);
        Assert.InRange(pixel[1], 30, 50);
        Assert.InRange(pixel[2], 0, 20);
        Assert.Equal(1, snapshots.FramesCopied);
    }

    [Fact]
    public async Task While_watched_a_camera_is_copied_at_most_once_a_second_and_encoded_once_per_copy()
    {
        var first = snapshots.GetLatestJpegAsync("gate-cam", CancellationToken.None);
        snapshots.Offer("gate-cam", frame.AsReadOnlySpan());
        var jpeg = await first.WaitAsync(Bound);

        // Two more requests before a new copy: the same encoding, not a new one.
        Assert.Same(jpeg, await snapshots.GetLatestJpegAsync("gate-cam", CancellationToken.None).WaitAsync(Bound));
        Assert.Same(jpeg, await snapshots.GetLatestJpegAsync("gate-cam", CancellationToken.None).WaitAsync(Bound));

        // Ten frames a second for three seconds: three more copies, not thirty.
        for (var i = 0; i < 30; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            snapshots.Offer("gate-cam", frame.AsReadOnlySpan());
        }
        Assert.Equal(4, snapshots.FramesCopied);
        var later = await snapshots.GetLatestJpegAsync("gate-cam", CancellationToken.None).WaitAsync(Bound);
        Assert.NotSame(jpeg, later);

        // Another camera nobody looks at is not copied.
        snapshots.Offer("garage-cam", frame.AsReadOnlySpan());
        Assert.Equal(4, snapshots.FramesCopied);
    }

    [Fact]
    public async Task Copying_stops_when_nobody_asked_for_a_while()
    {
        var request = snapshots.GetLatestJpegAsync("gate-cam", CancellationToken.None);
        snapshots.Offer("gate-cam", frame.AsReadOnlySpan());
        await request.WaitAsync(Bound);

        time.Advance(CameraSnapshots.WantedFor + TimeSpan.FromSeconds(1));
        snapshots.Offer("gate-cam", frame.AsReadOnlySpan());
        Assert.Equal(1, snapshots.FramesCopied);
    }

    [Fact]
    public async Task A_camera_that_stopped_delivering_shows_no_stale_frame()
    {
        var request = snapshots.GetLatestJpegAsync("gate-cam", CancellationToken.None);
        snapshots.Offer("gate-cam", frame.AsReadOnlySpan());
        Assert.NotNull(await request.WaitAsync(Bound));

        time.Advance(CameraSnapshots.StaleAfter + TimeSpan.FromSeconds(1));
        var stale = snapshots.GetLatestJpegAsync("gate-cam", CancellationToken.None);
        Assert.False(stale.IsCompleted);
        time.Advance(CameraSnapshots.FirstFrameWait);
        Assert.Null(await stale.WaitAsync(Bound));
    }

    [Fact]
    public async Task An_unknown_camera_has_no_snapshot()
    {
        Assert.Null(await snapshots.GetLatestJpegAsync("nowhere", CancellationToken.None).WaitAsync(Bound));
        snapshots.Offer("nowhere", frame.AsReadOnlySpan());
        Assert.Equal(0, snapshots.FramesCopied);
    }

    private static BgrImage Frame(int width, int height, byte blue, byte green, byte red)
    {
        var image = BgrImage.Create(width, height);
        var pixels = image.Pixels;
        for (var i = 0; i < pixels.Length; i += 3)
        {
            pixels[i] = blue;
            pixels[i + 1] = green;
            pixels[i + 2] = red;
        }
        return image;
    }
}
