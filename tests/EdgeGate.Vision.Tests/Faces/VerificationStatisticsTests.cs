using EdgeGate.Evaluation;
using EdgeGate.Vision.Faces.Calibration;


namespace EdgeGate.Vision.Tests.Faces;

public sealed class VerificationStatisticsTests
{
    [Fact]
    public void Perfect_separation_gives_auc_one_and_no_errors()
    {
        var statistics = VerificationStatistics.Compute([0.6f, 0.7f, 0.8f], [0.1f, 0.2f, 0.3f, 0.4f]);

        Assert.Equal(1.0, statistics.AreaUnderCurve);
        Assert.Equal(0.0, statistics.EqualErrorRate);
        Assert.Equal(1.0, statistics.BestAccuracy);
        Assert.Equal(1.0, statistics.AtFalseAcceptRate1E3.TrueAcceptRate);
        Assert.Equal(0.0, statistics.AtFalseAcceptRate1E3.FalseAcceptRate);
        // The lowest threshold that accepts no different pair is the lowest same score above them.
        Assert.Equal(0.6, statistics.AtFalseAcceptRate1E3.Threshold, 6);
        Assert.Equal(3, statistics.Same.Count);
        Assert.Equal(0.25, statistics.Different.Mean, 6);
        Assert.Equal(0.1, statistics.Different.Minimum, 6);
    }

    [Fact]
    public void Overlapping_scores_give_the_expected_auc_eer_and_operating_points()
    {
        float[] same = [0.35f, 0.5f, 0.6f, 0.9f];
        float[] different = [0.1f, 0.2f, 0.4f, 0.55f];

        var statistics = VerificationStatistics.Compute(same, different);

        // Wins: 0.35 beats 2, 0.5 beats 3, 0.6 beats 4, 0.9 beats 4 → 13 of 16.
        Assert.Equal(13.0 / 16.0, statistics.AreaUnderCurve, 9);
        // At threshold 0.5: TAR 3/4 (FRR 1/4), FAR 1/4 → EER 0.25.
        Assert.Equal(0.25, statistics.EqualErrorRate, 9);
        // FAR ≤ 1e-2 needs a threshold above 0.55: TAR 2/4 at 0.6.
        Assert.Equal(0.6, statistics.AtFalseAcceptRate1E2.Threshold, 6);
        Assert.Equal(0.5, statistics.AtFalseAcceptRate1E2.TrueAcceptRate, 9);
        Assert.Equal(6.0 / 8.0, statistics.BestAccuracy, 9);
    }

    [Fact]
    public void Ties_count_half_in_the_auc()
    {
        var statistics = VerificationStatistics.Compute([0.5f], [0.5f]);
        Assert.Equal(0.5, statistics.AreaUnderCurve);
    }

    [Fact]
    public void Empty_or_non_finite_scores_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => VerificationStatistics.Compute([], [0.1f]));
        Assert.Throws<ArgumentException>(() => VerificationStatistics.Compute([float.NaN], [0.1f]));
    }

    [Fact]
    public void Pairs_and_rank_one_identification_come_from_labelled_embeddings()
    {
        LabelledEmbedding[] samples =
        [
            new("ann", [1f, 0f], "a1"),
            new("ann", [0.96f, 0.28f], "a2"),
            new("bob", [0f, 1f], "b1"),
            new("bob", [0.8f, 0.6f], "b2"),
            new("cid", [-1f, 0f], "c1"),
        ];

        var pairs = PairScores.Build(samples);
        var rankOne = RankOneResult.LeaveOneOut(samples);

        Assert.Equal(2, pairs.Same.Count);
        Assert.Equal(8, pairs.Different.Count);
        Assert.Equal(0.96f, pairs.Same[0], 5);
        // a1→a2, a2→a1 and b1→b2 are right; b2's nearest is a2 (0.936 against b1's 0.6);
        // cid has no other sample and is not a probe.
        Assert.Equal(4, rankOne.Total);
        Assert.Equal(3, rankOne.Correct);
        Assert.Equal(0.75, rankOne.Rate);
    }
}
