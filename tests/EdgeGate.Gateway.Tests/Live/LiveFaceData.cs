using EdgeGate.Configuration;
using EdgeGate.Evaluation;
using EdgeGate.Gallery;
using EdgeGate.Recognition;
using EdgeGate.TestSupport;

namespace EdgeGate.Gateway.Tests.Live;

/// <summary>
/// The real face pipeline and a gallery enrolled from ONE photo per identity of
/// ../shared/face-data, except one identity kept out as the stranger. The probe for the enrolled
/// person is a DIFFERENT photo of them, the first (by name) that the photo-level pipeline already
/// matches at the configured threshold and finds live: these tests are about the live path, not about accuracy
/// (see <c>edgegate eval</c> for that).
/// </summary>
public sealed class LiveFaceData : IDisposable
{
    /// <summary>Identities enrolled (the first ones by label): enough for a real 1:N search with a margin, quick to set up.</summary>
    private const int MaximumIdentities = 16;

    public LiveFaceData()
    {
        var root = RepositoryPaths.FaceData;
        var thresholds = LiveGateRegistration.Thresholds(Options);
        Analyser = LiveGateRegistration.CreateAnalyser(new EdgeGateSettings { Recognition = Options });
        var photos = LabelledPhotoSet.Load(Path.Combine(root, "labels.csv"), root).Photos
            .Where(photo => photo.IsLabelled && !photo.IsDuplicate && !photo.MultiFace)
            .GroupBy(photo => photo.Label!)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => (Label: group.Key, Photos: group.OrderBy(photo => photo.Path, StringComparer.Ordinal).ToList()))
            .ToList();
        var others = photos.Skip(MaximumIdentities).ToList();
        photos = photos.Take(MaximumIdentities).ToList();

        var embeddings = new Dictionary<string, (float[] Embedding, float Liveness)>(StringComparer.Ordinal);
        (float[] Embedding, float Liveness) Analyse(LabelledPhoto photo)
        {
            if (!embeddings.TryGetValue(photo.FullPath, out var result))
            {
                var faces = Analyser.Pipeline.AnalyseFile(photo.FullPath);
                result = faces.Count == 1 ? (faces[0].Embedding.ToArray(), faces[0].ProbabilityReal ?? 0f) : ([], 0f);
                embeddings[photo.FullPath] = result;
            }
            return result;
        }
        float[]? Embed(LabelledPhoto photo) => Analyse(photo).Embedding is { Length: > 0 } embedding ? embedding : null;

        Gallery = new FaceGallery(new FaceGalleryOptions { Thresholds = thresholds });
        var templateId = 0L;
        var enrolled = new Dictionary<string, LabelledPhoto>(StringComparer.Ordinal);
        foreach (var (label, list) in photos)
        {
            var first = list.FirstOrDefault(photo => Embed(photo) is not null);
            if (first is not null)
            {
                Gallery.AddTemplate(++templateId, label, Embed(first));
                enrolled[label] = first;
            }
        }

        // The stranger: the first photo of an identity left out of the gallery that matches nobody in it.
        foreach (var (_, list) in others)
        {
            var embedding = Embed(list[0]);
            if (embedding is not null && Gallery.Search(embedding).BestSimilarity < thresholds.Similarity - 0.1f)
            {
                StrangerPhoto = list[0].FullPath;
                break;
            }
        }

        foreach (var (label, list) in photos)
        {
            if (!enrolled.TryGetValue(label, out var enrolment))
            {
                continue;
            }
            foreach (var probe in list.Where(photo => photo != enrolment))
            {
                if (Embed(probe) is { } embedding
                    && Gallery.Match(embedding, thresholds) is { IsMatch: true } match && match.PersonId == label
                    && match.Similarity >= thresholds.Similarity + 0.05f
                    && Analyse(probe).Liveness >= Options.LivenessThreshold + 0.3)
                {
                    PersonId = label;
                    EnrolmentPhoto = enrolment.FullPath;
                    ProbePhoto = probe.FullPath;
                    break;
                }
            }
            if (PersonId is not null)
            {
                break;
            }
        }
        // A probe the one-frame rule decides with room to spare (the bars plus 0.05 each, at photo level).
        foreach (var (label, list) in photos)
        {
            if (!enrolled.TryGetValue(label, out var enrolment) || ClearProbePhoto is not null)
            {
                continue;
            }
            foreach (var probe in list.Where(photo => photo != enrolment))
            {
                if (Embed(probe) is { } embedding
                    && Gallery.Match(embedding, thresholds) is { IsMatch: true } match && match.PersonId == label
                    && match.Similarity >= Options.OneFrameSimilarity + 0.05
                    && match.Margin >= Options.OneFrameMargin + 0.05
                    && Analyse(probe).Liveness >= Options.OneFrameLiveness + 0.05)
                {
                    ClearPersonId = label;
                    ClearProbePhoto = probe.FullPath;
                    break;
                }
            }
        }
        if (PersonId is null || StrangerPhoto is null || ClearProbePhoto is null)
        {
            throw new InvalidOperationException(
                $"no usable probe pair ({PersonId}), stranger photo ({StrangerPhoto}) or probe clear of the one-frame bars ({ClearProbePhoto}) in ../shared/face-data: " +
                string.Join(", ", embeddings.Select(pair => $"{Path.GetFileName(pair.Key)} live {pair.Value.Liveness:F2} best {(pair.Value.Embedding.Length > 0 ? Gallery.Search(pair.Value.Embedding).ToString() : "-")}")));
        }
    }

    public RecognitionOptions Options { get; } = new();

    public FacePipelineAnalyser Analyser { get; } = null!;

    public FaceGallery Gallery { get; } = null!;

    public string? PersonId { get; }

    public string? EnrolmentPhoto { get; }

    public string? ProbePhoto { get; }

    /// <summary>A photo of an enrolled person that meets the one-frame bars with room to spare (0.05 each, at photo level).</summary>
    public string? ClearProbePhoto { get; }

    public string? ClearPersonId { get; }

    public string? StrangerPhoto { get; }

    /// <summary>
    /// A stream size of 720 lines with the photo's aspect ratio, so the photo fills the frame: the
    /// test server letterboxes otherwise, and black bars around a face are exactly what the liveness
    /// model takes for a screen's bezel.
    /// </summary>
    public static (int Width, int Height) StreamSizeFor(string photo)
    {
        using var image = Imaging.BgrImage.Load(photo);
        var width = (int)Math.Round(720.0 * image.Width / image.Height / 16) * 16;
        return (Math.Clamp(width, 320, 1920), 720);
    }

    public void Dispose()
    {
        Analyser?.Dispose();
        Gallery?.Dispose();
    }
}
