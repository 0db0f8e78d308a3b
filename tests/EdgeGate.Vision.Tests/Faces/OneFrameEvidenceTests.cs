using EdgeGate.Evaluation;
using EdgeGate.Vision.Faces.Calibration;


namespace EdgeGate.Vision.Tests.Faces;

public sealed class OneFrameEvidenceTests
{
    /// <summary>The Recognition defaults: the vote 0.5 / 0.05 / 0.5, one frame 0.6 / 0.15 / 0.8.</summary>
    private static readonly OneFrameBars Bars = new(0.5f, 0.05f, 0.5f, 0.6f, 0.15f, 0.8f);

    /// <summary>
    /// Alice's two photos score 0.8 (clear), Bob's 0.55 (marginal); Alice's second photo and Bob's
    /// second photo score 0.501: an impostor pair at the vote's bar but far from the one-frame bar.
    /// </summary>
    private static readonly LabelledEmbedding[] Samples =
    [
        new("alice", [1f, 0f, 0f], "a1"),
        new("alice", [0.8f, 0.6f, 0f], "a2"),
        new("bob", [0f, 0f, 1f], "b1"),
        new("bob", [0f, 0.8352f, 0.55f], "b2"),
    ];

    [Fact]
    public void Counts_the_pairs_that_reach_each_bar()
    {
        var evidence = OneFrameEvidence.Compute(Samples, [0.95f, 0.7f, 0.3f], Bars);

        Assert.Equal((4, 1, 0), (evidence.Impostors.Count, evidence.Impostors.AtVoteBar, evidence.Impostors.AtOneFrameBar));
        Assert.Equal(0.501, evidence.Impostors.Maximum, 3);
        Assert.Equal((2, 2, 1), (evidence.Genuine.Count, evidence.Genuine.AtVoteBar, evidence.Genuine.AtOneFrameBar));
        Assert.Equal((3, 2, 1), (evidence.Liveness.Count, evidence.Liveness.AtVoteBar, evidence.Liveness.AtOneFrameBar));
    }

    [Fact]
    public void Searches_each_photo_against_the_others_as_the_gate_would()
    {
        var oneToMany = OneFrameEvidence.Compute(Samples, [], Bars).OneToMany;

        // a1 and a2 find Alice clearly; b1 finds Bob at 0.55 (a vote, not one frame); b2 finds Bob
        // only 0.049 ahead of Alice (ambiguous: no match at all).
        Assert.Equal((4, 3, 2, 0), (oneToMany.GenuineProbes, oneToMany.GenuineVoteMatches, oneToMany.GenuineOneFrame, oneToMany.WrongPersonVoteMatches));
        // Without their own person in the gallery, a2 and b2 match the other person at 0.501 by the
        // vote's bars; neither comes near the one-frame bars.
        Assert.Equal((4, 2, 0), (oneToMany.ImpostorProbes, oneToMany.ImpostorVoteMatches, oneToMany.ImpostorOneFrame));
        Assert.Equal(0.501, oneToMany.ImpostorBestSimilarity, 3);
    }

    [Fact]
    public void The_normal_tail_is_that_of_the_fitted_distribution()
    {
        Assert.Equal(0.5, OneFrameEvidence.NormalTail(0.1, 0.1, 0.2), 6);
        Assert.Equal(0.025, OneFrameEvidence.NormalTail(1.96, 0, 1), 3);
        Assert.InRange(OneFrameEvidence.NormalTail(6.0, 0, 1), 9.85e-10, 9.88e-10); // far into the tail, as the bars sit
        Assert.True(double.IsNaN(OneFrameEvidence.NormalTail(0.5, 0.1, 0)));
    }
}
