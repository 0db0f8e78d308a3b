namespace EdgeGate.Vision.Faces.Calibration;

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

/// <summary>
/// Accept and reject figures of a labelled set at one threshold and margin, the way the gate decides.
/// Verification: every unordered pair of samples, accepted when its score reaches the threshold.
/// Identification (1:N), each sample a probe against a gallery of the other samples, each person by
/// their best sample: a probe whose person has other samples is granted when that person is best, at or
/// above the threshold and ahead of the second-best person by the margin; with its own person left out
/// of the gallery, it is falsely accepted when anyone passes the same test.
/// </summary>
public sealed record OperatingFigures(
    double Threshold,
    double Margin,
    int SamePairs,
    int SamePairsAccepted,
    int DifferentPairs,
    int DifferentPairsAccepted,
    int GenuineProbes,
    int GenuineProbesGranted,
    int StrangerProbes,
    int StrangerProbesAccepted)
{
    public double VerificationTrueAcceptRate => Rate(SamePairsAccepted, SamePairs);

    public double VerificationFalseAcceptRate => Rate(DifferentPairsAccepted, DifferentPairs);

    public double IdentificationTrueAcceptRate => Rate(GenuineProbesGranted, GenuineProbes);

    public double IdentificationFalseAcceptRate => Rate(StrangerProbesAccepted, StrangerProbes);

    public static OperatingFigures At(IReadOnlyList<LabelledEmbedding> samples, double threshold, double margin)
    {
        ArgumentNullException.ThrowIfNull(samples);
        int samePairs = 0, sameAccepted = 0, differentPairs = 0, differentAccepted = 0;
        var scores = new float[samples.Count, samples.Count];
        for (var first = 0; first < samples.Count; first++)
        {
            for (var second = first + 1; second < samples.Count; second++)
            {
                var score = FaceVectors.Cosine(samples[first].Embedding, samples[second].Embedding);
                scores[first, second] = scores[second, first] = score;
                if (string.Equals(samples[first].Label, samples[second].Label, StringComparison.Ordinal))
                {
                    samePairs++;
                    sameAccepted += score >= threshold ? 1 : 0;
                }
                else
                {
                    differentPairs++;
                    differentAccepted += score >= threshold ? 1 : 0;
                }
            }
        }

        int genuine = 0, granted = 0, strangersAccepted = 0;
        var best = new Dictionary<string, float>(StringComparer.Ordinal);
        for (var probe = 0; probe < samples.Count; probe++)
        {
            best.Clear();
            for (var other = 0; other < samples.Count; other++)
            {
                if (other != probe)
                {
                    var label = samples[other].Label;
                    best[label] = Math.Max(best.GetValueOrDefault(label, float.NegativeInfinity), scores[probe, other]);
                }
            }
            var own = samples[probe].Label;
            if (best.ContainsKey(own))
            {
                genuine++;
                var (bestLabel, bestScore, secondScore) = TopTwo(best, exclude: null);
                granted += bestLabel == own && bestScore >= threshold && bestScore - secondScore >= margin ? 1 : 0;
            }
            var (_, strangerBest, strangerSecond) = TopTwo(best, exclude: own);
            strangersAccepted += strangerBest >= threshold && strangerBest - strangerSecond >= margin ? 1 : 0;
        }
        return new OperatingFigures(threshold, margin, samePairs, sameAccepted, differentPairs, differentAccepted, genuine, granted, samples.Count, strangersAccepted);
    }

    private static (string? Label, float Best, float Second) TopTwo(Dictionary<string, float> best, string? exclude)
    {
        string? label = null;
        float first = -1f, second = -1f;
        foreach (var (candidate, score) in best)
        {
            if (candidate == exclude)
            {
                continue;
            }
            if (label is null || score > first)
            {
                second = label is null ? second : first;
                first = score;
                label = candidate;
            }
            else if (score > second)
            {
                second = score;
            }
        }
        return (label, first, second);
    }

    private static double Rate(int part, int whole) => whole == 0 ? double.NaN : (double)part / whole;
}
