using EdgeGate.Imaging;
using EdgeGate.Imaging.Interop.OpenCv;

namespace EdgeGate.Vision.Faces.Calibration;

/// <summary>
/// The reference faces shipped with the product: every face that passes the quality gate in the
/// MIT-licensed group photos of <c>samples/</c> (models/manifest.json "samples"), embedded at run time
/// with the site's own model, so no face image or template is kept beyond the photos themselves. The
/// faces of one group photo are different persons; a reference face is nobody enrolled at the site.
/// </summary>
public static class ReferenceFaces
{
    /// <summary>Embeds the faces of every JPEG in <paramref name="directory"/>; Label is unique per face, Source the photo.</summary>
    /// <exception cref="CalibrationException">The folder is missing or holds no usable face.</exception>
    public static IReadOnlyList<LabelledEmbedding> Load(FacePipeline pipeline, string directory)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var photos = Directory.Exists(directory) ? Directory.GetFiles(directory, "*.jpg").Order(StringComparer.Ordinal).ToList() : [];
        if (photos.Count == 0)
        {
            throw new CalibrationException($"the reference photos are missing from {directory} (they come with the product; run ./build.sh setup in a checkout)");
        }
        var gate = new FaceQualityGate();
        var faces = new List<LabelledEmbedding>();
        foreach (var photo in photos)
        {
            IReadOnlyList<DetectedFace> found;
            try
            {
                using var image = BgrImage.Load(photo);
                found = pipeline.Analyse(image.AsReadOnlySpan());
            }
            catch (OpenCvException exception)
            {
                throw new CalibrationException($"a reference photo cannot be read: {exception.Message}");
            }
            var name = Path.GetFileName(photo);
            for (var index = 0; index < found.Count; index++)
            {
                if (found[index].HasEmbedding && gate.Check(found[index].Quality) == FaceQualityVerdict.Accepted)
                {
                    faces.Add(new LabelledEmbedding($"reference:{name}#{index}", found[index].Embedding.ToArray(), name));
                }
            }
        }
        if (faces.Count == 0)
        {
            throw new CalibrationException($"no usable face in the reference photos of {directory}");
        }
        return faces;
    }
}

/// <summary>The impostor and genuine scores a calibration works from.</summary>
/// <param name="SiteImpostors">
/// Every pair of templates of two different enrolled persons; beyond <see cref="MaximumSitePairs"/>
/// pairs (about 2,000 templates), that many pairs drawn at random.
/// </param>
/// <param name="ReferenceImpostors">Every reference face against every enrolled template, and the pairs of faces within one reference photo.</param>
/// <param name="GenuinePairs">Every pair of templates of one enrolled person.</param>
public sealed record CalibrationScores(IReadOnlyList<float> SiteImpostors, IReadOnlyList<float> ReferenceImpostors, IReadOnlyList<float> GenuinePairs)
{
    /// <summary>More site pairs than this are sampled: two million pairs see rates down to 1.5e-6 directly.</summary>
    public const int MaximumSitePairs = 2_000_000;

    public IReadOnlyList<float> AllImpostors => [.. SiteImpostors, .. ReferenceImpostors];

    /// <param name="site">The enrolled templates, labelled by person.</param>
    /// <param name="reference">The reference faces (<see cref="ReferenceFaces.Load"/>): Source is their photo.</param>
    public static CalibrationScores Build(IReadOnlyList<LabelledEmbedding> site, IReadOnlyList<LabelledEmbedding> reference)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(reference);
        var genuine = new List<float>();
        foreach (var person in site.GroupBy(template => template.Label, StringComparer.Ordinal))
        {
            genuine.AddRange(PairScores.Build(person.ToList()).Same);
        }
        var totalPairs = (long)site.Count * (site.Count - 1) / 2;
        List<float> impostors;
        if (totalPairs - genuine.Count <= MaximumSitePairs)
        {
            impostors = [.. PairScores.Build(site).Different];
        }
        else
        {
            impostors = new List<float>(MaximumSitePairs);
            var random = new Random(1);
            while (impostors.Count < MaximumSitePairs)
            {
                var first = site[random.Next(site.Count)];
                var second = site[random.Next(site.Count)];
                if (!string.Equals(first.Label, second.Label, StringComparison.Ordinal))
                {
                    impostors.Add(FaceVectors.Cosine(first.Embedding, second.Embedding));
                }
            }
        }
        var referenceScores = new List<float>(reference.Count * site.Count);
        foreach (var face in reference)
        {
            foreach (var template in site)
            {
                referenceScores.Add(FaceVectors.Cosine(face.Embedding, template.Embedding));
            }
        }
        for (var first = 0; first < reference.Count; first++)
        {
            for (var second = first + 1; second < reference.Count; second++)
            {
                if (string.Equals(reference[first].Source, reference[second].Source, StringComparison.Ordinal))
                {
                    referenceScores.Add(FaceVectors.Cosine(reference[first].Embedding, reference[second].Embedding));
                }
            }
        }
        return new CalibrationScores(impostors, referenceScores, genuine);
    }
}
