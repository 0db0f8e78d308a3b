using System.Diagnostics;
using EdgeGate.Capture;
using EdgeGate.Imaging.Interop.OpenCv;

namespace EdgeGate.Vision.Tests.OpenCv;

/// <summary>
/// Capture from a file: an H.264 MP4 of 30 SMPTE colour-bar frames (320x240, 15 fps) made by
/// gst-launch-1.0 (gstreamer1.0-tools) at the start of the class, decoded by OpenCV's FFMPEG backend.
/// </summary>
public sealed class VideoSourceFileTests : IClassFixture<VideoSourceFileTests.TestVideo>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly TestVideo video;

    public VideoSourceFileTests(TestVideo video)
    {
        this.video = video;
    }

    [Fact]
    public void Reads_every_frame_with_the_right_size_colours_and_increasing_timestamps()
    {
        using var source = VideoSource.Open(video.Path, Timeout, Timeout);
        var frame = new BgrFrameBuffer();
        var timestamps = new List<double>();

        while (source.TryRead(frame))
        {
            Assert.Equal((320, 240, 960), (frame.Width, frame.Height, frame.Stride));
            timestamps.Add(frame.TimestampMilliseconds);
        }

        Assert.Equal((320, 240), (source.FrameWidth, source.FrameHeight));
        Assert.Equal(15, source.FramesPerSecond, 3);
        Assert.Equal(30, source.FrameCount);
        Assert.Equal(30, timestamps.Count);
        Assert.Equal(30, frame.SequenceNumber);
        Assert.True(timestamps.Zip(timestamps.Skip(1)).All(pair => pair.Second > pair.First), string.Join(", ", timestamps));
        // The sixth SMPTE bar (x ≈ 230..273) is 75 % red: BGR order must put red last.
        var pixel = frame.AsReadOnlySpan().Row(40).Slice(250 * 3, 3);
        Assert.True(pixel[2] > 150 && pixel[0] < 60 && pixel[1] < 60, $"BGR {pixel[0]},{pixel[1]},{pixel[2]}");
    }

    [Fact]
    public void Grab_skips_frames_without_converting_them()
    {
        using var source = VideoSource.Open(video.Path, Timeout, Timeout);
        var frame = new BgrFrameBuffer();

        for (var i = 0; i < 10; i++)
        {
            Assert.True(source.Grab());
        }
        var remaining = 0;
        while (source.TryRead(frame))
        {
            remaining++;
        }

        Assert.Equal(20, remaining);
        Assert.False(source.Grab());
    }

    [Fact]
    public void A_buffer_smaller_than_the_frame_grows_and_gets_the_frame()
    {
        using var source = VideoSource.Open(video.Path, Timeout, Timeout);
        var frame = new BgrFrameBuffer(16, 16);

        Assert.True(source.TryRead(frame));

        Assert.Equal((320, 240), (frame.Width, frame.Height));
        Assert.True(frame.Capacity >= 320 * 240 * 3);
        var copy = new BgrFrameBuffer();
        copy.CopyFrom(frame);
        Assert.Equal(frame.AsReadOnlySpan().Data.ToArray(), copy.AsReadOnlySpan().Data.ToArray());
    }

    [Fact]
    public void A_missing_file_fails_with_a_readable_message()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"edgegate-missing-{Guid.NewGuid():N}.mp4");
        var exception = Assert.Throws<OpenCvException>(() => VideoSource.Open(path, Timeout, Timeout));
        Assert.Contains("could not open", exception.Message, StringComparison.Ordinal);
        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
    }

    public sealed class TestVideo : IDisposable
    {
        public TestVideo()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"edgegate-bars-{Guid.NewGuid():N}.mp4");
            var startInfo = new ProcessStartInfo("gst-launch-1.0")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in $"-q videotestsrc num-buffers=30 pattern=smpte ! video/x-raw,width=320,height=240,framerate=15/1 ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=15 ! h264parse ! mp4mux ! filesink location={Path}".Split(' '))
            {
                startInfo.ArgumentList.Add(argument);
            }
            var errors = new System.Text.StringBuilder();
            using var process = new Process { StartInfo = startInfo };
            process.ErrorDataReceived += (_, e) => errors.AppendLine(e.Data);
            process.OutputDataReceived += (_, e) => errors.AppendLine(e.Data);
            process.Start();
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            if (!process.WaitForExit(30_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("gst-launch-1.0 did not finish the test video within 30 s");
            }
            if (process.ExitCode != 0 || !File.Exists(Path))
            {
                throw new InvalidOperationException($"gst-launch-1.0 failed ({process.ExitCode}): {errors}");
            }
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
