using EdgeGate.Vision.Faces;
using EdgeGate.Vision.Faces.Calibration;

namespace EdgeGate.Evaluation;

/// <summary>The bars compared: the vote's (every frame that votes) and the one-frame rule's.</summary>
/// <param name="VoteSimilarity">Recognition:MatchThreshold.</param>
/// <param name="VoteMargin">Recognition:Margin.</param>
/// <param name="VoteLiveness">Recognition:LivenessThreshold.</param>
/// <param name="OneFrameSimilarity">Recognition:OneFrameSimilarity.</param>
/// <param name="OneFrameMargin">Recognition:OneFrameMargin.</param>
/// <param name="OneFrameLiveness">Recognition:OneFrameLiveness.</param>
public sealed record OneFrameBars(
    float VoteSimilarity, float VoteMargin, float VoteLiveness, float OneFrameSimilarity, float OneFrameMargin, float OneFrameLiveness);

/// <summary>How many of a set of scores reach each bar, and what a normal fit of them says beyond the data.</summary>
/// <param name="AtVoteBar">Scores at or above the vote's similarity threshold.</param>
/// <param name="AtOneFrameBar">Scores at or above the one-frame similarity.</param>
/// <param name="NormalTailAtVoteBar">P(score ≥ vote bar) of a normal distribution with the scores' mean and deviation.</param>
/// <param name="NormalTailAtOneFrameBar">The same at the one-frame bar.</param>
public sealed record ScoresAtBars(int Count, int AtVoteBar, int AtOneFrameBar, double Maximum, double NormalTailAtVoteBar, double NormalTailAtOneFrameBar);

/// <summary>1:N searches, leave-one-out, as the gate makes them.</summary>
/// <param name="GenuineProbes">Photos whose person has other photos in the gallery (the other photos are the gallery).</param>
/// <param name="GenuineVoteMatches">Genuine probes the vote's bars match to their own person.</param>
/// <param name="GenuineOneFrame">Genuine probes that meet the one-frame bars (own person, similarity and margin).</param>
/// <param name="WrongPersonVoteMatches">Genuine probes the vote's bars match to someone else.</param>
/// <param name="ImpostorProbes">Photos searched with their own person taken out of the gallery (a stranger at the gate).</param>
/// <param name="ImpostorVoteMatches">Impostor probes the vote's bars match to someone.</param>
/// <param name="ImpostorOneFrame">Impostor probes that meet the one-frame bars.</param>
/// <param name="ImpostorBestSimilarity">The highest similarity any impostor probe reached.</param>
public sealed record OneToManyAtBars(
    int GenuineProbes,
    int GenuineVoteMatches,
    int GenuineOneFrame,
    int WrongPersonVoteMatches,
    int ImpostorProbes,
    int ImpostorVoteMatches,
    int ImpostorOneFrame,
    double ImpostorBestSimilarity);

/// <summary>Liveness of the labelled photos (real people) against the two liveness bars.</summary>
public sealed record LivenessAtBars(int Count, int AtVoteBar, int AtOneFrameBar);

/// <summary>
/// The evidence behind the one-frame rule on a labelled photo set: how many different-person pairs
/// and 1:N impostor searches reach the vote's bar and the one-frame bar, how many genuine ones meet
/// the one-frame bar (the grants that can be decided on one frame), and the liveness of real faces
/// against both liveness bars. Pure: computed from the photos' embeddings and liveness.
/// </summary>
public sealed record OneFrameEvidence(
    OneFrameBars Bars,
    ScoresAtBars Impostors,
    ScoresAtBars Genuine,
    OneToManyAtBars OneToMany,
    LivenessAtBars Liveness)
{
    /// <summary>The evidence of an <c>edgegate eval</c> report: its labelled photos with one face, duplicates left out.</summary>
    public static OneFrameEvidence Of(FaceEvaluationReport report, OneFrameBars bars)
    {
        ArgumentNullException.ThrowIfNull(report);
        var labelled = report.Photos.Where(outcome => outcome.Photo.IsLabelled && !outcome.Photo.MultiFace).ToList();
        var samples = labelled
            .Where(outcome => !outcome.Photo.IsDuplicate && outcome.Embedding is not null)
            .Select(outcome => new LabelledEmbedding(outcome.Photo.Label!, outcome.Embedding!, outcome.Photo.Path))
            .ToList();
        var liveness = labelled.Where(outcome => outcome.ProbabilityReal is not null).Select(outcome => outcome.ProbabilityReal!.Value).ToList();
        return Compute(samples, liveness, bars);
    }

    public static OneFrameEvidence Compute(IReadOnlyList<LabelledEmbedding> samples, IReadOnlyCollection<float> livenessOfRealFaces, OneFrameBars bars)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(livenessOfRealFaces);
        ArgumentNullException.ThrowIfNull(bars);
        var pairs = PairScores.Build(samples);
        return new OneFrameEvidence(
            bars,
            AtBars(pairs.Different, bars),
            AtBars(pairs.Same, bars),
            SearchOneToMany(samples, bars),
            new LivenessAtBars(
                livenessOfRealFaces.Count,
                livenessOfRealFaces.Count(score => score >= bars.VoteLiveness),
                livenessOfRealFaces.Count(score => score >= bars.OneFrameLiveness)));
    }

    private static ScoresAtBars AtBars(IReadOnlyList<float> scores, OneFrameBars bars)
    {
        var summary = ScoreSummary.Of([.. scores]);
        return new ScoresAtBars(
            scores.Count,
            scores.Count(score => score >= bars.VoteSimilarity),
            scores.Count(score => score >= bars.OneFrameSimilarity),
            summary.Maximum,
            NormalTail(bars.VoteSimilarity, summary.Mean, summary.StandardDeviation),
            NormalTail(bars.OneFrameSimilarity, summary.Mean, summary.StandardDeviation));
    }

    /// <summary>Each sample against a gallery of every other sample (best photo per person), with and without its own person.</summary>
    private static OneToManyAtBars SearchOneToMany(IReadOnlyList<LabelledEmbedding> samples, OneFrameBars bars)
    {
        int genuine = 0, genuineVote = 0, genuineOneFrame = 0, wrongPerson = 0, impostors = 0, impostorVote = 0, impostorOneFrame = 0;
        var impostorBest = double.NegativeInfinity;
        var best = new Dictionary<string, float>(StringComparer.Ordinal);
        for (var probe = 0; probe < samples.Count; probe++)
        {
            best.Clear();
            for (var other = 0; other < samples.Count; other++)
            {
                if (other == probe)
                {
                    continue;
                }
                var score = FaceVectors.Cosine(samples[probe].Embedding, samples[other].Embedding);
                var label = samples[other].Label;
                best[label] = best.TryGetValue(label, out var known) ? Math.Max(known, score) : score;
            }
            var own = samples[probe].Label;
            if (best.ContainsKey(own))
            {
                genuine++;
                var (person, similarity, margin) = TopTwo(best, excluded: null);
                var isOwn = string.Equals(person, own, StringComparison.Ordinal);
                if (similarity >= bars.VoteSimilarity && margin >= bars.VoteMargin)
                {
                    if (isOwn)
                    {
                        genuineVote++;
                    }
                    else
                    {
                        wrongPerson++;
                    }
                }
                if (isOwn && similarity >= bars.OneFrameSimilarity && margin >= bars.OneFrameMargin)
                {
                    genuineOneFrame++;
                }
            }
            if (best.Count > (best.ContainsKey(own) ? 1 : 0))
            {
                impostors++;
                var (_, similarity, margin) = TopTwo(best, excluded: own);
                impostorBest = Math.Max(impostorBest, similarity);
                if (similarity >= bars.VoteSimilarity && margin >= bars.VoteMargin)
                {
                    impostorVote++;
                }
                if (similarity >= bars.OneFrameSimilarity && margin >= bars.OneFrameMargin)
                {
                    impostorOneFrame++;
                }
            }
        }
        return new OneToManyAtBars(genuine, genuineVote, genuineOneFrame, wrongPerson, impostors, impostorVote, impostorOneFrame, impostorBest);
    }

    /// <summary>The best person (other than <paramref name="excluded"/>), its similarity and its lead over the second (best + 1 when alone, as the gallery reports it).</summary>
    private static (string? Person, float Similarity, float Margin) TopTwo(Dictionary<string, float> best, string? excluded)
    {
        string? first = null;
        float firstScore = -1f, secondScore = -1f;
        foreach (var (label, score) in best)
        {
            if (string.Equals(label, excluded, StringComparison.Ordinal))
            {
                continue;
            }
            if (score > firstScore)
            {
                (secondScore, firstScore, first) = (firstScore, score, label);
            }
            else if (score > secondScore)
            {
                secondScore = score;
            }
        }
        return (first, firstScore, firstScore - secondScore);
    }

    /// <summary>P(X ≥ bar) for X normal with this mean and deviation (NaN without a deviation).</summary>
    public static double NormalTail(double bar, double mean, double deviation) =>
        deviation > 0 && double.IsFinite(deviation) ? 0.5 * Erfc((bar - mean) / (deviation * Math.Sqrt(2))) : double.NaN;

    /// <summary>The complementary error function (Numerical Recipes' erfcc, relative error below 1.2e-7), accurate far into the tail.</summary>
    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + (0.5 * z));
        double[] coefficients = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];
        var polynomial = 0.0;
        for (var i = coefficients.Length - 1; i >= 0; i--)
        {
            polynomial = coefficients[i] + (t * polynomial);
        }
        var answer = t * Math.Exp(-(z * z) + polynomial);
        return x >= 0 ? answer : 2 - answer;
    }
}
