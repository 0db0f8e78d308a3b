using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EdgeGate.Capture;
using EdgeGate.Imaging;
using EdgeGate.Imaging.Interop.OpenCv;
using EdgeGate.TestSupport.Peers;
using Xunit.Abstractions;

namespace EdgeGate.Vision.Tests.OpenCv;

/// <summary>
/// Capture from the real GStreamer RTSP test server on 127.0.0.1: a looping 1280x720 15 fps H.264
/// stream of a red picture (1 s), a blue one (1 s), each 640x480 and so pillarboxed, then a blank
/// grey second.
/// </summary>
public sealed class VideoSourceRtspTests : IClassFixture<VideoSourceRtspTests.RedBlueStream>
{
    private static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(3);
    private readonly RedBlueStream stream;
    private readonly ITestOutputHelper output;

    public VideoSourceRtspTests(RedBlueStream stream, ITestOutputHelper output)
    {
        this.stream = stream;
        this.output = output;
    }

    [Fact]
    public void Reads_frames_of_the_stream_size_with_increasing_timestamps_and_the_pictures_colours()
    {
        var server = stream.Server;
        using var source = VideoSource.Open(server.Url, OpenTimeout, ReadTimeout);
        var frame = new BgrFrameBuffer();
        var timestamps = new List<double>();
        var colours = new List<string>();

        for (var i = 0; i < 48; i++)
        {
            Assert.True(source.TryRead(frame), $"frame {i} missing; server output:\n{server.Output}");
            Assert.Equal((1280, 720), (frame.Width, frame.Height));
            timestamps.Add(frame.TimestampMilliseconds);
            colours.Add(Colour(frame.AsReadOnlySpan(), 640, 360));
        }

        Assert.Equal((1280, 720), (source.FrameWidth, source.FrameHeight));
        Assert.True(timestamps.Zip(timestamps.Skip(1)).All(pair => pair.Second > pair.First), string.Join(", ", timestamps));
        Assert.Equal("red", colours[0]);
        Assert.Equal("black", Colour(frame.AsReadOnlySpan(), 20, 360)); // pillarbox
        var firstBlue = colours.IndexOf("blue");
        var firstGrey = colours.IndexOf("grey");
        output.WriteLine($"timestamps (ms) {timestamps[0]} .. {timestamps[^1]}; first blue frame {firstBlue}, first grey {firstGrey}");
        Assert.InRange(firstBlue, 13, 17); // 15 frames of red, then blue
        Assert.InRange(firstGrey - firstBlue, 13, 17); // 15 frames of blue, then blank
        Assert.All(colours[..firstBlue], colour => Assert.Equal("red", colour));
        Assert.All(colours[firstGrey..(firstGrey + 13)], colour => Assert.Equal("grey", colour));
        Assert.Equal("red", colours[^1]); // 15 frames of blank, then the loop starts again
    }

    [Fact]
    public void Time_to_first_frame_is_measured_and_far_below_the_ffmpeg_default()
    {
        var frame = new BgrFrameBuffer();
        var times = new List<double>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var watch = Stopwatch.StartNew();
            using var source = VideoSource.Open(stream.Server.Url, OpenTimeout, ReadTimeout);
            var opened = watch.Elapsed;
            Assert.True(source.TryRead(frame), stream.Server.Output);
            var first = watch.Elapsed;
            times.Add(first.TotalMilliseconds);
            output.WriteLine($"open {opened.TotalMilliseconds:F0} ms, first frame {first.TotalMilliseconds:F0} ms");
        }
        times.Sort();
        output.WriteLine($"median time to first frame {times[1]:F0} ms (server start {stream.Server.StartupTime.TotalMilliseconds:F0} ms)");
        Assert.True(times[1] < 3000, $"median time to first frame {times[1]:F0} ms");
    }

    [Fact]
    public void A_dead_url_fails_fast_with_a_readable_error_and_a_masked_password()
    {
        var port = PeerProcess.FreeTcpPort();
        var url = $"rtsp://admin:secret@127.0.0.1:{port}/gate";
        var watch = Stopwatch.StartNew();

        var exception = Assert.Throws<OpenCvException>(() => VideoSource.Open(url, TimeSpan.FromSeconds(2), ReadTimeout));

        output.WriteLine($"refused after {watch.Elapsed.TotalMilliseconds:F0} ms: {exception.Message}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2.5), $"{watch.Elapsed}");
        Assert.Contains("could not open", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"rtsp://admin:***@127.0.0.1:{port}/gate", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_accepts_but_never_answers_fails_within_the_open_timeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var accepted = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var silentPeer = listener.AcceptSocketAsync(accepted.Token).AsTask();
        var openTimeout = TimeSpan.FromSeconds(2);
        var watch = Stopwatch.StartNew();

        var exception = Assert.Throws<OpenCvException>(
            () => VideoSource.Open($"rtsp://127.0.0.1:{port}/gate", openTimeout, ReadTimeout));

        var elapsed = watch.Elapsed;
        output.WriteLine($"silent server: failed after {elapsed.TotalMilliseconds:F0} ms (open timeout {openTimeout.TotalMilliseconds} ms)");
        using var socket = await silentPeer;
        Assert.InRange(elapsed, openTimeout - TimeSpan.FromMilliseconds(300), openTimeout + TimeSpan.FromSeconds(1));
        Assert.Contains("could not open", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reading_stops_when_the_server_dies_and_works_again_after_a_restart()
    {
        using var red = new TemporaryImage(255, 0, 0);
        using var server = await RtspTestServer.StartAsync([RtspSegment.Image(red.Path, 1)], width: 320, height: 240);
        var frame = new BgrFrameBuffer();
        using (var source = VideoSource.Open(server.Url, OpenTimeout, ReadTimeout))
        {
            Assert.True(source.TryRead(frame), server.Output);
            server.Kill();
            var watch = Stopwatch.StartNew();
            var staleFrames = 0;
            while (source.TryRead(frame))
            {
                staleFrames++;
                Assert.True(watch.Elapsed < ReadTimeout + TimeSpan.FromSeconds(2), "frames kept coming after the server died");
            }
            output.WriteLine($"server killed: {staleFrames} buffered frame(s), then no frame after {watch.Elapsed.TotalMilliseconds:F0} ms (read timeout {ReadTimeout.TotalMilliseconds} ms)");
            Assert.True(watch.Elapsed < ReadTimeout + TimeSpan.FromSeconds(1), $"{watch.Elapsed}");
        }

        await server.RestartAsync();

        using var reopened = VideoSource.Open(server.Url, OpenTimeout, ReadTimeout);
        Assert.True(reopened.TryRead(frame), server.Output);
        Assert.Equal((320, 240), (frame.Width, frame.Height));
        Assert.Equal("red", Colour(frame.AsReadOnlySpan(), 160, 120));
    }

    private static string Colour(ReadOnlyImageSpan frame, int x, int y)
    {
        var pixel = frame.Row(y).Slice(x * 3, 3);
        var (blue, green, red) = (pixel[0], pixel[1], pixel[2]);
        return (blue, green, red) switch
        {
            _ when red > 180 && green < 70 && blue < 70 => "red",
            _ when blue > 180 && green < 70 && red < 70 => "blue",
            _ when red < 30 && green < 30 && blue < 30 => "black",
            _ when Math.Max(red, Math.Max(green, blue)) - Math.Min(red, Math.Min(green, blue)) < 12 && green is > 40 and < 80 => "grey",
            _ => $"bgr({blue},{green},{red})",
        };
    }

    /// <summary>A solid-colour 640x480 JPEG in the temp folder.</summary>
    internal sealed class TemporaryImage : IDisposable
    {
        public TemporaryImage(byte red, byte green, byte blue)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"edgegate-still-{Guid.NewGuid():N}.jpg");
            using var image = BgrImage.Create(640, 480);
            var pixels = image.Pixels;
            for (var i = 0; i < pixels.Length; i += 3)
            {
                pixels[i] = blue;
                pixels[i + 1] = green;
                pixels[i + 2] = red;
            }
            File.WriteAllBytes(Path, image.EncodeJpeg(95));
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }

    public sealed class RedBlueStream : IAsyncLifetime
    {
        private readonly TemporaryImage red = new(255, 0, 0);
        private readonly TemporaryImage blue = new(0, 0, 255);
        private RtspTestServer? server;

        public RtspTestServer Server => server ?? throw new InvalidOperationException("not started");

        public async Task InitializeAsync()
        {
            server = await RtspTestServer.StartAsync(
                [RtspSegment.Image(red.Path, 1), RtspSegment.Image(blue.Path, 1), RtspSegment.Blank(1)]);
        }

        public Task DisposeAsync()
        {
            server?.Dispose();
            red.Dispose();
            blue.Dispose();
            return Task.CompletedTask;
        }
    }
}
