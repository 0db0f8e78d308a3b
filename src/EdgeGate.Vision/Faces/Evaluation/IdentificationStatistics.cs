namespace EdgeGate.Vision.Faces.Evaluation;

/// <summary>One labelled embedding (L2-normalised) of an evaluation set.</summary>
public sealed record LabelledEmbedding(string Label, float[] Embedding, string Source);

/// <summary>Same-person and different-person pair scores of a labelled set.</summary>
public sealed record PairScores(IReadOnlyList<float> Same, IReadOnlyList<float> Different)
{
    /// <summary>Every unordered pair (i &lt; j) scored by cosine, split by whether the labels match.</summary>
    public static PairScores Build(IReadOnlyList<LabelledEmbedding> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var same = new List<float>();
        var different = new List<float>();
        for (var first = 0; first < samples.Count; first++)
        {
            for (var second = first + 1; second < samples.Count; second++)
            {
                var score = FaceVectors.Cosine(samples[first].Embedding, samples[second].Embedding);
                (string.Equals(samples[first].Label, samples[second].Label, StringComparison.Ordinal) ? same : different).Add(score);
            }
        }
        return new PairScores(same, different);
    }
}

/// <summary>Rank-1 identification, leave-one-out: each sample is a probe against all the others.</summary>
/// <param name="Correct">Probes whose nearest other sample has the same label.</param>
/// <param name="Total">Probes whose label has at least one other sample (only these can be identified).</param>
public sealed record RankOneResult(int Correct, int Total)
{
    public double Rate => Total == 0 ? double.NaN : (double)Correct / Total;

    public static RankOneResult LeaveOneOut(IReadOnlyList<LabelledEmbedding> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var labelCounts = samples.GroupBy(sample => sample.Label, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal);
        int correct = 0, total = 0;
        for (var probe = 0; probe < samples.Count; probe++)
        {
            if (labelCounts[samples[probe].Label] < 2)
            {
                continue;
            }
            total++;
            var best = -1;
            var bestScore = float.NegativeInfinity;
            for (var candidate = 0; candidate < samples.Count; candidate++)
            {
                if (candidate == probe)
                {
                    continue;
                }
                var score = FaceVectors.Cosine(samples[probe].Embedding, samples[candidate].Embedding);
                if (score > bestScore)
                {
                    bestScore = score;
                    best = candidate;
                }
            }
            if (best >= 0 && string.Equals(samples[best].Label, samples[probe].Label, StringComparison.Ordinal))
            {
                correct++;
            }
        }
        return new RankOneResult(correct, total);
    }
}
