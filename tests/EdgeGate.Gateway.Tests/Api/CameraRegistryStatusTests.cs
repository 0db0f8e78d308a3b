using EdgeGate.Gateway.Api;
using EdgeGate.Gateway.Live;
using EdgeGate.Vision.Capture;

namespace EdgeGate.Gateway.Tests.Api;

public sealed class CameraRegistryStatusTests
{
    [Fact]
    public async Task Registered_cameras_show_their_health_and_the_latest_frame_given_to_the_snapshots()
    {
        var registry = new CameraHealthRegistry();
        await using var capture = new CameraCapture(
            new CameraCaptureSettings("gate-cam", "main-gate", "rtsp://admin:secret@127.0.0.1:1/stream", 5),
            new FrameHandOff(2));
        registry.Register(capture);
        var snapshots = new CameraSnapshots();
        var status = new CameraRegistryStatus(registry, snapshots);

        var view = Assert.Single(status.Snapshot());
        Assert.Equal(("gate-cam", "main-gate", "Stopped"), (view.Name, view.Door, view.State));
        Assert.False(status.TryGetLatestJpeg("gate-cam", out _));

        snapshots.Update("gate-cam", [0xFF, 0xD8, 1, 0xFF, 0xD9]);
        snapshots.Update("gate-cam", [0xFF, 0xD8, 2, 0xFF, 0xD9]);
        Assert.True(status.TryGetLatestJpeg("gate-cam", out var jpeg));
        Assert.Equal(2, jpeg[2]);

        // A frame for a camera the registry does not know is not served.
        snapshots.Update("ghost-cam", [0xFF, 0xD8, 3, 0xFF, 0xD9]);
        Assert.False(status.TryGetLatestJpeg("ghost-cam", out _));
    }
}
