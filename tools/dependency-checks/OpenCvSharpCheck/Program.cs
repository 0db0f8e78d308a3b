// OpenCvSharp4 4.13 (official linux-x64 runtime) against EdgeGate's OpenCV shim over Debian's
// OpenCV 4.6: can it open an RTSP stream, and what does decoding a 720p H.264 frame cost in CPU?
// Each decoder runs in its own process (both carry an OpenCV), see README.md.
//
//   OpenCvSharpCheck info
//   OpenCvSharpCheck decode <video file> opencvsharp|shim
//   OpenCvSharpCheck rtsp <rtsp url> opencvsharp|shim
using System.Diagnostics;
using EdgeGate.Vision.Capture;
using OpenCvSharp;

return args switch
{
    ["info"] => Info(),
    ["decode", var file, var decoder] => Decode(file, decoder),
    ["rtsp", var url, var decoder] => Rtsp(url, decoder),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: OpenCvSharpCheck info | decode <file> opencvsharp|shim | rtsp <url> opencvsharp|shim");
    return 2;
}

static int Info()
{
    Console.WriteLine($"OpenCvSharp OpenCV {Cv2.GetVersionString()}");
    foreach (var line in Cv2.GetBuildInformation().Split('\n'))
    {
        if (line.Contains("FFMPEG", StringComparison.Ordinal) || line.Contains("avformat", StringComparison.Ordinal)
            || line.Contains("GStreamer", StringComparison.Ordinal) || line.Contains("GTK", StringComparison.Ordinal)
            || line.Contains("Video I/O", StringComparison.Ordinal))
        {
            Console.WriteLine(line.TrimEnd());
        }
    }
    var native = Path.Combine(AppContext.BaseDirectory, "libOpenCvSharpExtern.so");
    if (File.Exists(native))
    {
        Console.WriteLine($"libOpenCvSharpExtern.so: {new FileInfo(native).Length / 1e6:F1} MB");
        var ldd = Process.Start(new ProcessStartInfo("ldd", native) { RedirectStandardOutput = true })!;
        var libraries = ldd.StandardOutput.ReadToEnd().Split('\n');
        ldd.WaitForExit();
        Console.WriteLine($"  links {libraries.Count(line => line.Contains("=>", StringComparison.Ordinal))} shared libraries, " +
            $"{libraries.Count(line => line.Contains("not found", StringComparison.Ordinal))} not found here; GTK: " +
            string.Join(", ", libraries.Where(line => line.Contains("gtk", StringComparison.Ordinal)).Select(line => line.Trim().Split(' ')[0])));
    }
    return 0;
}

static int Decode(string file, string decoder)
{
    var process = Process.GetCurrentProcess();
    // Open outside the measurement; then decode every frame to BGR, as the capture loop does.
    int frames = 0;
    TimeSpan cpu;
    double wall;
    int width, height;
    if (decoder == "opencvsharp")
    {
        using var capture = new VideoCapture(file, VideoCaptureAPIs.FFMPEG);
        if (!capture.IsOpened())
        {
            Console.WriteLine($"opencvsharp: cannot open {file}");
            return 1;
        }
        using var frame = new Mat();
        var cpuStart = process.TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        while (capture.Read(frame) && !frame.Empty())
        {
            frames++;
        }
        wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        process.Refresh();
        cpu = process.TotalProcessorTime - cpuStart;
        (width, height) = (frame.Width, frame.Height);
        if (frames > 0 && (width, height) == (0, 0))
        {
            (width, height) = (capture.FrameWidth, capture.FrameHeight);
        }
    }
    else if (decoder == "shim")
    {
        var timeout = TimeSpan.FromSeconds(10);
        using var source = VideoSource.Open(file, timeout, timeout);
        var frame = new BgrFrameBuffer();
        var cpuStart = process.TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        while (source.TryRead(frame))
        {
            frames++;
        }
        wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        process.Refresh();
        cpu = process.TotalProcessorTime - cpuStart;
        (width, height) = (source.FrameWidth, source.FrameHeight);
    }
    else
    {
        return Usage();
    }
    Console.WriteLine($"{decoder}: {frames} frames {width}x{height}, CPU {cpu.TotalMilliseconds / Math.Max(frames, 1):F2} ms/frame, wall {wall / Math.Max(frames, 1):F2} ms/frame");
    return frames > 0 ? 0 : 1;
}

static int Rtsp(string url, string decoder)
{
    var start = Stopwatch.GetTimestamp();
    bool opened;
    string detail;
    if (decoder == "opencvsharp")
    {
        using var capture = new VideoCapture(url, VideoCaptureAPIs.FFMPEG);
        using var frame = new Mat();
        opened = capture.IsOpened() && capture.Read(frame) && !frame.Empty();
        detail = opened ? $"{frame.Width}x{frame.Height}" : "VideoCapture did not open";
    }
    else if (decoder == "shim")
    {
        try
        {
            var timeout = TimeSpan.FromSeconds(10);
            using var source = VideoSource.Open(url, timeout, timeout);
            var frame = new BgrFrameBuffer();
            opened = source.TryRead(frame);
            detail = opened ? $"{frame.Width}x{frame.Height}" : "no frame";
        }
        catch (Exception exception)
        {
            opened = false;
            detail = exception.Message;
        }
    }
    else
    {
        return Usage();
    }
    Console.WriteLine($"{decoder}: RTSP {(opened ? "opened, first frame" : "failed")}: {detail} after {Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s");
    return opened ? 0 : 1;
}
