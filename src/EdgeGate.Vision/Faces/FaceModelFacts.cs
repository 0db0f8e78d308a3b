using System.Numerics;
using System.Text.Json;

namespace EdgeGate.Vision.Faces;

/// <summary>
/// The face-specific model facts that <c>models/manifest.json</c> keeps beside each model's
/// inputs and outputs: the detector's post-processing ("detect".postprocessing), which landmarks
/// make the five points ("landmarks".fivePoints), the alignment reference points of the
/// embedding model ("embedding".alignmentReference), the smallest raw embedding norm of a real
/// face ("embedding".minimumFaceNorm) and the liveness crop ("liveness".cropScale,
/// realClassIndex). None of these live as literals in code.
/// </summary>
/// <param name="MinimumFaceNorm">
/// Detections whose raw embedding norm is below this are not faces (textured background, a
/// blurred face far behind): measured on the face test photos, false detections gave norms of
/// 1.5–2.1 and real faces 2.7–4.9.
/// </param>
public sealed record FaceModelFacts(
    DetectorPostprocessing DetectorPostprocessing,
    LandmarkLayout LandmarkLayout,
    IReadOnlyList<Vector2> AlignmentReference,
    float MinimumFaceNorm,
    float LivenessCropScale,
    int LivenessRealClassIndex)
{
    /// <summary>Reads the facts from a manifest file.</summary>
    /// <exception cref="InvalidDataException">A key is missing or malformed; the message names it.</exception>
    public static FaceModelFacts Load(string manifestPath) => Parse(File.ReadAllText(manifestPath), manifestPath);

    /// <summary>Reads the facts from manifest text.</summary>
    /// <exception cref="InvalidDataException">A key is missing or malformed; the message names it.</exception>
    public static FaceModelFacts Parse(string manifestJson, string source = "model manifest")
    {
        try
        {
            using var document = JsonDocument.Parse(manifestJson, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            var models = Required(document.RootElement, "models", source);

            var postprocessing = Required(Required(models, "detect", source), "postprocessing", source);
            var detector = new DetectorPostprocessing(
                Required(postprocessing, "scoreThreshold", source).GetSingle(),
                Required(postprocessing, "maximumCandidates", source).GetInt32(),
                Required(postprocessing, "nmsIouThreshold", source).GetSingle(),
                Required(postprocessing, "containmentThreshold", source).GetSingle());
            detector.Validate();

            var fivePoints = Required(Required(models, "landmarks", source), "fivePoints", source);
            var layout = new LandmarkLayout(
                Indices(fivePoints, "eyeLeft", source),
                Indices(fivePoints, "eyeRight", source),
                Indices(fivePoints, "nose", source),
                Indices(fivePoints, "mouthLeft", source),
                Indices(fivePoints, "mouthRight", source));

            var embedding = Required(models, "embedding", source);
            var reference = Required(embedding, "alignmentReference", source)
                .EnumerateArray()
                .Select(point => point.GetArrayLength() == 2
                    ? new Vector2(point[0].GetSingle(), point[1].GetSingle())
                    : throw new InvalidDataException($"{source}: alignmentReference points are [x, y] pairs"))
                .ToArray();
            if (reference.Length != FivePoints.Count)
            {
                throw new InvalidDataException($"{source}: alignmentReference needs {FivePoints.Count} points, has {reference.Length}");
            }

            var minimumFaceNorm = Required(embedding, "minimumFaceNorm", source).GetSingle();
            if (!(minimumFaceNorm >= 0f))
            {
                throw new InvalidDataException($"{source}: embedding minimumFaceNorm must not be negative");
            }

            var liveness = Required(models, "liveness", source);
            var cropScale = Required(liveness, "cropScale", source).GetSingle();
            if (!(cropScale > 0f))
            {
                throw new InvalidDataException($"{source}: liveness cropScale must be positive");
            }
            var realClassIndex = Required(liveness, "realClassIndex", source).GetInt32();
            return new FaceModelFacts(detector, layout, reference, minimumFaceNorm, cropScale, realClassIndex);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{source}: malformed face model facts: {exception.Message}", exception);
        }
    }

    private static JsonElement Required(JsonElement parent, string name, string source) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value)
            ? value
            : throw new InvalidDataException($"{source}: missing key '{name}'");

    private static int[] Indices(JsonElement parent, string name, string source) =>
        Required(parent, name, source).EnumerateArray().Select(index => index.GetInt32()).ToArray();
}
