using EdgeGate.Configuration;
using EdgeGate.Core.Persons;
using EdgeGate.Core.Recognition;
using EdgeGate.Evaluation;
using EdgeGate.Gallery;
using EdgeGate.Gateway.Tests.Enrolment;
using EdgeGate.Imaging;
using EdgeGate.Recognition;
using EdgeGate.Recognition.Enrolment;
using EdgeGate.TestSupport;
using EdgeGate.TestSupport.Peers;
using EdgeGate.TestSupport.Storage;
using EdgeGate.Vision.Faces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Live;

/// <summary>
/// The shipped match threshold on a real RTSP stream with the people hardest to recognise in
/// ../shared/face-data: each enrolled (through the product's enrolment) from the one photo that scores
/// lowest against another photo of them, then shown that other photo; and the other identities that
/// score highest against those enrolled, shown as strangers. The people and photos are chosen here by
/// score, not listed by hand.
/// </summary>
public sealed class HardestGenuineLiveTests(ITestOutputHelper output)
{
    /// <summary>Persons enrolled: the identities with the lowest genuine pair score.</summary>
    private const int Enrolled = 4;

    /// <summary>Strangers streamed: the other identities scoring highest against the enrolled.</summary>
    private const int Strangers = 4;

    private static readonly TimeSpan InView = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan Away = TimeSpan.FromSeconds(1.5);

    [FaceDataFact]
    public async Task People_enrolled_from_one_photo_are_recognised_on_their_hardest_photos_and_no_stranger_is_taken_for_them()
    {
        var recognition = new RecognitionOptions();
        Assert.Equal(RecognitionOptions.DefaultMatchThreshold, recognition.MatchThreshold);
        var directory = Directory.CreateTempSubdirectory("edgegate-hardest-").FullName;
        try
        {
            await using var store = await TestDatabase.OpenNewAsync(time: TimeProvider.System);
            var settings = new EdgeGateSettings { Recognition = recognition };
            using var analyser = LiveGateRegistration.CreateAnalyser(settings);
            var (genuine, strangers) = Choose(analyser.Pipeline);
            Assert.Contains(genuine, pair => pair.Score < 0.5f);

            // Enrolment as the property office does it: one photo, recorded consent, the product's checks.
            using (var pipeline = settings.Models.LoadPipeline(computeLiveness: false))
            using (var enrolment = new EnrolmentService(store.Db, pipeline))
            {
                foreach (var pair in genuine)
                {
                    var person = new Person { Id = pair.Label, DisplayName = pair.Label }.Consented();
                    var outcome = await enrolment.EnrolAsync(person, [await EnrolmentPhoto.ReadAsync(pair.Enrolment)]);
                    Assert.True(outcome.Succeeded, outcome.Message);
                }
            }
            using var gallery = LiveGateRegistration.CreateGallery(recognition);
            foreach (var template in await store.Db.Templates.ListByModelAsync(analyser.Pipeline.EmbeddingModelId))
            {
                gallery.AddTemplate(template);
            }

            var segments = new List<RtspSegment> { RtspSegment.Blank(1) };
            foreach (var photo in genuine.Select(pair => pair.Probe).Concat(strangers.Select(stranger => stranger.Photo)))
            {
                segments.Add(RtspSegment.Image(StreamCrop(analyser.Pipeline, photo, directory), InView.TotalSeconds));
                segments.Add(RtspSegment.Blank(Away.TotalSeconds));
            }
            segments.Add(RtspSegment.Blank(600));
            using var server = await RtspTestServer.StartAsync(segments, 1280, 720);
            var streamed = TimeSpan.FromSeconds(segments.Take(segments.Count - 1).Sum(segment => segment.Seconds));
            var (candidates, sightings) = await WatchAsync(gallery, analyser, recognition, server.Url, streamed + TimeSpan.FromSeconds(10));

            foreach (var candidate in candidates)
            {
                output.WriteLine($"candidate {candidate.PersonId}: similarity {candidate.Similarity:F3}, liveness {candidate.LivenessScore:F2}, track {candidate.TrackId}");
            }
            foreach (var sighting in sightings)
            {
                output.WriteLine($"stranger: best similarity {sighting.BestSimilarity:F3}, track {sighting.TrackId}");
            }
            // Each enrolled person once, on their hardest photo; nobody else taken for anyone.
            Assert.Equal(genuine.Select(pair => pair.Label).Order(), candidates.Select(candidate => candidate.PersonId).Order());
            Assert.All(candidates, candidate => Assert.True(candidate.Similarity >= recognition.MatchThreshold));
            Assert.Equal(Strangers, sightings.Count);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// The genuine pairs and strangers, by score: for each identity, the ordered pair of its photos with
    /// the lowest similarity between the enrolment's template of the first and the gate's view of the
    /// second; the <see cref="Enrolled"/> identities with the lowest such pair; then, of the other
    /// identities, the <see cref="Strangers"/> whose best photo scores highest against those templates.
    /// </summary>
    private (List<(string Label, string Enrolment, string Probe, float Score)> Genuine, List<(string Label, string Photo, float Score)> Strangers) Choose(FacePipeline pipeline)
    {
        var root = RepositoryPaths.FaceData;
        var photos = LabelledPhotoSet.Load(Path.Combine(root, "labels.csv"), root).Photos
            .Where(photo => photo.IsLabelled && !photo.MultiFace && !photo.IsDuplicate)
            .ToList();
        var check = new EnrolmentPhotoCheck(pipeline, new FaceQualityGate());
        var templates = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var seen = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var photo in photos)
        {
            using var image = BgrImage.Load(photo.FullPath);
            if (check.Check(image.AsReadOnlySpan()) is { IsAccepted: true, Face: { } face })
            {
                templates[photo.FullPath] = face.Embedding.ToArray();
            }
            if (pipeline.Analyse(image.AsReadOnlySpan()).MaxBy(found => found.Quality.SizePixels) is { } gate)
            {
                seen[photo.FullPath] = gate.Embedding.ToArray();
            }
        }
        var genuine = photos
            .GroupBy(photo => photo.Label!, StringComparer.Ordinal)
            .Select(identity => identity
                .Where(first => templates.ContainsKey(first.FullPath))
                .SelectMany(first => identity.Where(second => second != first && seen.ContainsKey(second.FullPath))
                    .Select(second => (Label: identity.Key, Enrolment: first.FullPath, Probe: second.FullPath,
                        Score: FaceVectors.Cosine(templates[first.FullPath], seen[second.FullPath]))))
                .DefaultIfEmpty()
                .MinBy(pair => pair.Score))
            .Where(pair => pair.Label is not null)
            .OrderBy(pair => pair.Score)
            .Take(Enrolled)
            .ToList();
        var enrolled = genuine.Select(pair => pair.Label).ToHashSet(StringComparer.Ordinal);
        var strangers = photos
            .Where(photo => !enrolled.Contains(photo.Label!) && seen.ContainsKey(photo.FullPath))
            .Select(photo => (Label: photo.Label!, Photo: photo.FullPath, Score: genuine.Max(pair => FaceVectors.Cosine(templates[pair.Enrolment], seen[photo.FullPath]))))
            .GroupBy(stranger => stranger.Label, StringComparer.Ordinal)
            .Select(identity => identity.MaxBy(stranger => stranger.Score))
            .OrderByDescending(stranger => stranger.Score)
            .Take(Strangers)
            .ToList();
        foreach (var pair in genuine)
        {
            output.WriteLine($"enrolled {pair.Label} from {Path.GetFileName(pair.Enrolment)}, shown {Path.GetFileName(pair.Probe)}: photo score {pair.Score:F3}");
        }
        foreach (var stranger in strangers)
        {
            output.WriteLine($"stranger {stranger.Label} shown {Path.GetFileName(stranger.Photo)}: best photo score {stranger.Score:F3}");
        }
        return (genuine, strangers);
    }

    /// <summary>
    /// A 16:9 part of the photo around its face (up to four face heights tall), so the stream shows it
    /// without black bars (which the liveness model takes for a screen's bezel).
    /// </summary>
    private static string StreamCrop(FacePipeline pipeline, string photo, string directory)
    {
        using var image = BgrImage.Load(photo);
        var face = pipeline.Analyse(image.AsReadOnlySpan()).MaxBy(found => found.Quality.SizePixels)!;
        var height = Math.Min(image.Height, Math.Max(face.SquareBox.Height * 4, 360));
        var width = Math.Min(image.Width, height * 16 / 9);
        height = Math.Min(height, width * 9 / 16);
        var x = Math.Clamp(face.SquareBox.X + (face.SquareBox.Width / 2) - (width / 2), 0, image.Width - width);
        var y = Math.Clamp(face.SquareBox.Y + (face.SquareBox.Height / 2) - (height / 2), 0, image.Height - height);
        var path = Path.Combine(directory, $"{Guid.NewGuid():N}.jpg");
        File.WriteAllBytes(path, ImageOps.EncodeJpeg(image.AsReadOnlySpan().Slice(x, y, width, height), 95));
        return path;
    }

    /// <summary>Runs the live path (capture, face pipeline, gallery, votes) on the stream and collects what it reports.</summary>
    private static async Task<(List<FaceCandidate> Candidates, List<StrangerSighting> Sightings)> WatchAsync(
        FaceGallery gallery, FacePipelineAnalyser analyser, RecognitionOptions recognition, string url, TimeSpan duration)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(gallery);
        builder.Services.AddSingleton<IFaceAnalyser>(new BorrowedAnalyser(analyser));
        builder.Services.AddRecognition(new EdgeGateSettings
        {
            Gateway = new GatewayOptions { DataDirectory = Path.GetTempPath() },
            Recognition = recognition,
            Cameras = [new CameraOptions { Name = "gate", Url = url, Door = "main", AnalyseFps = 10, OpenTimeout = TimeSpan.FromSeconds(5), ReadTimeout = TimeSpan.FromSeconds(5) }],
        });
        using var host = builder.Build();
        var outputs = host.Services.GetRequiredService<RecognitionOutputs>();
        using (var starting = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            await host.StartAsync(starting.Token);
        }
        var candidates = new List<FaceCandidate>();
        var sightings = new List<StrangerSighting>();
        using (var watching = new CancellationTokenSource(duration))
        {
            var readCandidates = ReadAllAsync(outputs.Candidates, candidates, watching.Token);
            var readStrangers = ReadAllAsync(outputs.Strangers, sightings, watching.Token);
            await Task.WhenAll(readCandidates, readStrangers);
        }
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await host.StopAsync(stopping.Token);
        return (candidates, sightings);
    }

    private static async Task ReadAllAsync<T>(System.Threading.Channels.ChannelReader<T> reader, List<T> into, CancellationToken until)
    {
        try
        {
            await foreach (var item in reader.ReadAllAsync(until))
            {
                into.Add(item);
            }
        }
        catch (OperationCanceledException) when (until.IsCancellationRequested)
        {
            // The stream has been watched to its end.
        }
    }
}
