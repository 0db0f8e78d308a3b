using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeGate.Configuration;
using EdgeGate.Imaging.Interop.OpenCv;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.OnnxRuntime;

namespace EdgeGate.Tools.Bench;

/// <summary>
/// <c>edgegate bench gate</c>: the gate as the resident feels it, from the face's first frame on the
/// camera's "glass" to the relay ON command arriving at the relay board. The RTSP test server
/// streams an enrolled face and blanks in turn, each frame stamped with the time it was pushed;
/// the whole gateway host runs (capture, recognition, decision, journal on a real SQLite file, the
/// Modbus RTU door driver on a socat pty) against an independent pymodbus slave that stamps every
/// coil write as it arrives. See <see cref="GateBenchmark"/>.
/// </summary>
public static class BenchGateCommand
{
    /// <param name="buildGateway">builds the gateway host as <c>edgegate run</c> does, with the benchmark's own services added</param>
    public static Command Create(Func<EdgeGateSettings, Action<IServiceCollection>, WebApplication> buildGateway)
    {
        var cameras = new Option<int>("--cameras") { Description = "cameras, each its own RTSP stream and door (relay coil)", DefaultValueFactory = _ => 1 };
        var fps = new Option<int>("--fps") { Description = "frame rate of each camera's stream", DefaultValueFactory = _ => 15 };
        var presentations = new Option<int>("--presentations") { Description = "warm presentations measured per camera, after the first one after start", DefaultValueFactory = _ => 10 };
        var photo = new Option<FileInfo>("--photo") { Description = "a photo of one face, shown on every camera", Required = true };
        var enrolPhoto = new Option<FileInfo?>("--enrol-photo") { Description = "the photo the person is enrolled with (default: --photo; another photo of the same person is the realistic case)" };
        var width = new Option<int>("--width") { Description = "stream width", DefaultValueFactory = _ => 1280 };
        var height = new Option<int>("--height") { Description = "stream height", DefaultValueFactory = _ => 720 };
        var present = new Option<double>("--present") { Description = "seconds the face is in view per presentation", DefaultValueFactory = _ => 2 };
        var absent = new Option<double>("--absent") { Description = "seconds nobody is in view before each presentation (plus up to one more, at random)", DefaultValueFactory = _ => 2 };
        var pulse = new Option<int>("--pulse-ms") { Description = "door pulse length (milliseconds)", DefaultValueFactory = _ => 1000 };
        var captureOptions = new Option<string?>("--capture-options") { Description = "FFmpeg capture options to measure instead of the gateway's (key;value|key;value)" };
        var json = new Option<bool>("--json") { Description = "print the result as JSON" };

        var command = new Command("gate", "Measure face-first-visible → relay ON on the wire through the whole gateway (RTSP test stream with glass stamps, Modbus slave on a pty)")
        {
            cameras, fps, presentations, photo, enrolPhoto, width, height, present, absent, pulse, captureOptions, json,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var run = new GateBenchmarkRun(
                parseResult.GetValue(cameras),
                parseResult.GetValue(fps),
                parseResult.GetValue(presentations),
                parseResult.GetValue(photo)!.FullName,
                (parseResult.GetValue(enrolPhoto) ?? parseResult.GetValue(photo))!.FullName,
                parseResult.GetValue(width),
                parseResult.GetValue(height),
                parseResult.GetValue(present),
                parseResult.GetValue(absent),
                TimeSpan.FromMilliseconds(parseResult.GetValue(pulse)),
                parseResult.GetValue(captureOptions));
            if (run.Problem() is { } problem)
            {
                error.WriteLine($"bench gate: {problem}");
                return 2;
            }
            try
            {
                var result = await GateBenchmark.RunAsync(run, buildGateway, error, cancellationToken).ConfigureAwait(false);
                output.WriteLine(parseResult.GetValue(json) ? result.ToJson() : result.ToText());
                return 0;
            }
            catch (Exception exception) when (exception is OnnxRuntimeException or OpenCvException or IOException
                or InvalidDataException or InvalidOperationException or TimeoutException)
            {
                error.WriteLine($"bench gate: {exception.Message}");
                return 1;
            }
        });
        return command;
    }
}

/// <summary>What <c>bench gate</c> runs.</summary>
/// <param name="Presentations">Warm presentations per camera (the first presentation after start is reported apart).</param>
internal sealed record GateBenchmarkRun(
    int Cameras, int Fps, int Presentations, string Photo, string EnrolPhoto, int Width, int Height, double PresentSeconds, double AbsentSeconds, TimeSpan PulseLength,
    string? CaptureOptions = null)
{
    /// <summary>Relay coils of the simulated board (one door per camera).</summary>
    public const int MaximumCameras = 8;

    public string? Problem() =>
        Cameras is < 1 or > MaximumCameras ? $"--cameras must be 1 to {MaximumCameras}"
        : Fps is < 1 or > 30 ? "--fps must be 1 to 30"
        : Presentations is < 1 or > 1000 ? "--presentations must be 1 to 1000"
        : !File.Exists(Photo) ? $"photo not found: {Photo}"
        : !File.Exists(EnrolPhoto) ? $"photo not found: {EnrolPhoto}"
        : Width < 320 || Height < 240 || Width % 16 != 0 || Height % 2 != 0 ? "--width must be a multiple of 16 (320 or more) and --height even (240 or more)"
        : PresentSeconds < 0.5 || AbsentSeconds < 1 ? "--present must be at least 0.5 s and --absent at least 1 s (the face's track must end in between)"
        : PulseLength <= TimeSpan.Zero || PulseLength.TotalSeconds >= PresentSeconds + AbsentSeconds - 0.5 ? "--pulse-ms must be positive and end well before the next presentation"
        : null;
}

/// <summary>Where the time of one grant went, in milliseconds; the stages add up to <see cref="Total"/>.</summary>
/// <param name="Votes">From the face's first frame on the glass to the glass time of the frame that decided (frames skipped, waited for or voted on).</param>
/// <param name="GlassToFrame">From the deciding frame's glass time to the capture thread holding it decoded (encoder, RTSP, demuxer, decoder).</param>
/// <param name="FrameQueue">From the capture thread to the start of its analysis.</param>
/// <param name="Analysis">The face pipeline on that frame.</param>
/// <param name="DecisionAndJournal">From the end of the analysis to the door command being queued: tracking and vote, the hand-offs, the person lookup, the policy and the journal commit.</param>
/// <param name="DoorCommand">From the door command being queued to the ON frame arriving at the relay board.</param>
internal sealed record GrantTiming(
    string Camera, int Presentation, double Total, double Votes, double GlassToFrame, double FrameQueue, double Analysis, double DecisionAndJournal, double DoorCommand);

internal sealed record GateCameraResult(string Name, int Presentations, int Grants, int Missed, double FaceInViewFps, double IdleFps);

internal sealed record GateBenchResult(
    GateBenchmarkRun Run,
    double StartToReadyMilliseconds,
    IReadOnlyList<GrantTiming> FirstGrants,
    IReadOnlyList<GrantTiming> WarmGrants,
    int MissedPresentations,
    int UnexpectedGrants,
    IReadOnlyDictionary<string, int> Decisions,
    Percentiles CandidateSimilarity,
    Percentiles CandidateLiveness,
    double ProcessCpuPercentOfOneCore,
    double MachineLoadAverage,
    IReadOnlyList<GateCameraResult> PerCamera)
{
    private static readonly (string Name, Func<GrantTiming, double> Of)[] Stages =
    [
        ("glass_to_frame", grant => grant.GlassToFrame),
        ("frame_queue", grant => grant.FrameQueue),
        ("analysis", grant => grant.Analysis),
        ("votes", grant => grant.Votes),
        ("decision_journal", grant => grant.DecisionAndJournal),
        ("door_command", grant => grant.DoorCommand),
    ];

    /// <summary>The slowest of the first grants after start (one per camera; they come at the same moment).</summary>
    public GrantTiming? FirstGrant => FirstGrants.MaxBy(grant => grant.Total);

    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"gate: {Run.Cameras} camera(s), {Run.Width}x{Run.Height}@{Run.Fps}, face {Run.PresentSeconds} s / nobody {Run.AbsentSeconds}–{Run.AbsentSeconds + 1} s, {Run.Presentations} warm presentation(s) per camera"));
        text.AppendLine(Invariant($"start → ready          {StartToReadyMilliseconds:F0} ms"));
        text.AppendLine(FirstGrant is { } first
            ? Invariant($"first grant after start {first.Total:F0} ms  ({Describe(first)})")
            : "first grant after start none");
        var total = Percentiles.Of(WarmGrants.Select(grant => grant.Total).ToList());
        text.AppendLine(Invariant($"warm grants ms         p50 {total.P50:F0}  p95 {total.P95:F0}  max {total.Maximum:F0}  (n {total.Count}, missed {MissedPresentations}, unexpected {UnexpectedGrants})"));
        foreach (var (name, of) in Stages)
        {
            var stage = Percentiles.Of(WarmGrants.Select(of).ToList());
            text.AppendLine(Invariant($"  {name,-20} p50 {stage.P50,6:F1}  p95 {stage.P95,6:F1}  max {stage.Maximum,6:F1}"));
        }
        text.AppendLine("decisions              " + string.Join(", ", Decisions.Select(pair => Invariant($"{pair.Key} {pair.Value}"))));
        text.AppendLine(Invariant($"recognised faces       similarity p50 {CandidateSimilarity.P50:F3} max {CandidateSimilarity.Maximum:F3}, liveness p50 {CandidateLiveness.P50:F2} (n {CandidateSimilarity.Count})"));
        text.AppendLine(Invariant($"cpu                    process {ProcessCpuPercentOfOneCore:F0}% of one core; machine load average {MachineLoadAverage:F1} on {Environment.ProcessorCount} cores"));
        foreach (var camera in PerCamera)
        {
            text.AppendLine(Invariant($"  {camera.Name,-6} grants {camera.Grants}/{camera.Presentations}  analysed {camera.FaceInViewFps:F1} fps with a face in view, {camera.IdleFps:F1} fps with nobody"));
        }
        return text.ToString().TrimEnd();
    }

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("cameras", Run.Cameras);
            writer.WriteNumber("fps", Run.Fps);
            writer.WriteString("size", $"{Run.Width}x{Run.Height}");
            writer.WriteNumber("present_seconds", Run.PresentSeconds);
            writer.WriteNumber("absent_seconds", Run.AbsentSeconds);
            writer.WriteNumber("pulse_ms", Run.PulseLength.TotalMilliseconds);
            writer.WriteNumber("start_to_ready_ms", Math.Round(StartToReadyMilliseconds, 1));
            writer.WritePropertyName("first_grant");
            if (FirstGrant is { } first)
            {
                Write(writer, first);
            }
            else
            {
                writer.WriteNullValue();
            }
            writer.WriteStartArray("first_grants");
            foreach (var grant in FirstGrants)
            {
                Write(writer, grant);
            }
            writer.WriteEndArray();
            writer.WriteStartObject("warm_grants_ms");
            WritePercentiles(writer, Percentiles.Of(WarmGrants.Select(grant => grant.Total).ToList()));
            writer.WriteEndObject();
            writer.WriteStartObject("stages_ms");
            foreach (var (name, of) in Stages)
            {
                writer.WriteStartObject(name);
                WritePercentiles(writer, Percentiles.Of(WarmGrants.Select(of).ToList()));
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            writer.WriteNumber("missed_presentations", MissedPresentations);
            writer.WriteNumber("unexpected_grants", UnexpectedGrants);
            writer.WriteStartObject("decisions");
            foreach (var (reason, count) in Decisions)
            {
                writer.WriteNumber(reason, count);
            }
            writer.WriteEndObject();
            writer.WriteStartObject("candidate_similarity");
            WritePercentiles(writer, CandidateSimilarity);
            writer.WriteEndObject();
            writer.WriteStartObject("candidate_liveness");
            WritePercentiles(writer, CandidateLiveness);
            writer.WriteEndObject();
            writer.WriteNumber("process_cpu_percent_of_one_core", Math.Round(ProcessCpuPercentOfOneCore, 1));
            writer.WriteNumber("machine_load_average", Math.Round(MachineLoadAverage, 2));
            writer.WriteNumber("logical_processors", Environment.ProcessorCount);
            writer.WriteStartArray("per_camera");
            foreach (var camera in PerCamera)
            {
                writer.WriteStartObject();
                writer.WriteString("name", camera.Name);
                writer.WriteNumber("presentations", camera.Presentations);
                writer.WriteNumber("grants", camera.Grants);
                writer.WriteNumber("missed", camera.Missed);
                writer.WriteNumber("fps_analysed_face_in_view", Math.Round(camera.FaceInViewFps, 2));
                writer.WriteNumber("fps_analysed_idle", Math.Round(camera.IdleFps, 2));
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteStartArray("warm_grants");
            foreach (var grant in WarmGrants)
            {
                Write(writer, grant);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Describe(GrantTiming grant) => Invariant(
        $"votes {grant.Votes:F0}, glass→frame {grant.GlassToFrame:F0}, queue {grant.FrameQueue:F0}, analysis {grant.Analysis:F0}, decision+journal {grant.DecisionAndJournal:F0}, door {grant.DoorCommand:F0}");

    private static void Write(Utf8JsonWriter writer, GrantTiming grant)
    {
        writer.WriteStartObject();
        writer.WriteString("camera", grant.Camera);
        writer.WriteNumber("presentation", grant.Presentation);
        writer.WriteNumber("total_ms", Math.Round(grant.Total, 1));
        foreach (var (name, of) in Stages)
        {
            writer.WriteNumber(name + "_ms", Math.Round(of(grant), 1));
        }
        writer.WriteEndObject();
    }

    private static void WritePercentiles(Utf8JsonWriter writer, Percentiles percentiles)
    {
        writer.WriteNumber("count", percentiles.Count);
        foreach (var (name, value) in new[] { ("p50", percentiles.P50), ("p95", percentiles.P95), ("max", percentiles.Maximum) })
        {
            if (double.IsFinite(value))
            {
                writer.WriteNumber(name, Math.Round(value, 1));
            }
            else
            {
                writer.WriteNull(name);
            }
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
