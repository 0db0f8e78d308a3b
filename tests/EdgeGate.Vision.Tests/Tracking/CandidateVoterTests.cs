using EdgeGate.Vision.Tracking;

namespace EdgeGate.Vision.Tests.Tracking;

public sealed class CandidateVoterTests
{
    private static readonly VoteRules ThreeOfFive = new(VotesRequired: 3, VoteWindow: 5);

    /// <summary>The defaults of the Recognition section: similarity 0.6, margin 0.15, liveness 0.8.</summary>
    private static readonly OneFrameRule Unambiguous = new(MinimumSimilarity: 0.6f, MinimumMargin: 0.15f, MinimumLiveness: 0.8f);

    private static readonly VoteRules ThreeOfFiveOrOneClearFrame = ThreeOfFive with { OneFrame = Unambiguous };

    private static FaceVote Live(string person, float similarity = 0.6f, float margin = 0.3f, float liveness = 0.9f) =>
        FaceVote.Match(person, similarity, margin, liveness, livenessPassed: true);

    private static FaceVote Flat(string person) => FaceVote.Match(person, 0.6f, 0.3f, 0.1f, livenessPassed: false);

    private static FaceVote Unknown(float similarity = 0.2f) => FaceVote.NoMatch(similarity, 0.9f, livenessPassed: true);

    [Fact]
    public void EmitsOneCandidateWhenKOfTheLastNFramesAgree()
    {
        var voter = new CandidateVoter(ThreeOfFive);
        Assert.Equal(VoteVerdictKind.None, voter.Add(Live("alice", 0.5f)).Kind);
        Assert.Equal(VoteVerdictKind.None, voter.Add(Unknown()).Kind);
        Assert.Equal(VoteVerdictKind.None, voter.Add(Live("alice", 0.6f)).Kind);
        var verdict = voter.Add(Live("alice", 0.7f));

        Assert.Equal(VoteVerdictKind.Candidate, verdict.Kind);
        Assert.Equal("alice", verdict.PersonId);
        Assert.Equal(3, verdict.AgreeingFrames);
        Assert.Equal(0.6, verdict.Similarity, 5);
        Assert.Equal(0.9, verdict.LivenessScore, 5);
        Assert.True(voter.CandidateEmitted);

        // The person keeps standing in view: no second candidate from this track.
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(VoteVerdictKind.None, voter.Add(Live("alice")).Kind);
        }
    }

    [Fact]
    public void VotesOlderThanTheWindowDoNotCount()
    {
        var voter = new CandidateVoter(ThreeOfFive);
        voter.Add(Live("alice"));
        voter.Add(Live("alice"));
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(VoteVerdictKind.None, voter.Add(FaceVote.Ambiguous(0.5f, 0.01f, 0.9f, livenessPassed: true)).Kind);
        }
        // The two early alice votes slide out of the last five as new ones come in.
        Assert.Equal(VoteVerdictKind.None, voter.Add(Live("alice")).Kind);
        Assert.Equal(VoteVerdictKind.None, voter.Add(Live("alice")).Kind);
        Assert.Equal(VoteVerdictKind.Candidate, voter.Add(Live("alice")).Kind);
    }

    [Fact]
    public void DisagreeingFramesDoNotAddUp()
    {
        var voter = new CandidateVoter(ThreeOfFive);
        foreach (var person in new[] { "alice", "bob", "alice", "bob", "carol" })
        {
            Assert.Equal(VoteVerdictKind.None, voter.Add(Live(person)).Kind);
        }
        Assert.False(voter.CandidateEmitted);
    }

    [Fact]
    public void LivenessFailuresDoNotCountAndEndInOneSpoofCandidate()
    {
        var voter = new CandidateVoter(ThreeOfFive);
        var verdicts = Enumerable.Range(0, 30).Select(_ => voter.Add(Flat("alice"))).ToList();

        var spoof = Assert.Single(verdicts, v => v.Kind != VoteVerdictKind.None);
        Assert.Equal(VoteVerdictKind.SpoofCandidate, spoof.Kind);
        Assert.Equal("alice", spoof.PersonId);
        Assert.Equal(9, verdicts.IndexOf(spoof)); // after twice the window
        Assert.False(voter.CandidateEmitted);
    }

    [Fact]
    public void StrangerIsReportedOnceAfterAFullWindowWithoutAnyMatch()
    {
        var voter = new CandidateVoter(ThreeOfFive);
        var verdicts = Enumerable.Range(0, 20).Select(i => voter.Add(Unknown(0.1f + (i * 0.01f)))).ToList();

        var stranger = Assert.Single(verdicts, v => v.Kind != VoteVerdictKind.None);
        Assert.Equal(VoteVerdictKind.Stranger, stranger.Kind);
        Assert.Equal(4, verdicts.IndexOf(stranger));
        Assert.Null(stranger.PersonId);
        Assert.Equal(0.14, stranger.Similarity, 5);
    }

    [Fact]
    public void OneMatchInTheWindowHoldsBackTheStrangerReport()
    {
        var voter = new CandidateVoter(ThreeOfFive);
        voter.Add(Live("alice"));
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(VoteVerdictKind.None, voter.Add(Unknown()).Kind);
        }
        Assert.Equal(VoteVerdictKind.Stranger, voter.Add(Unknown()).Kind);
    }

    [Fact]
    public void RejectsAMatchWithoutAPersonAndInvalidRules()
    {
        var voter = new CandidateVoter(ThreeOfFive);
        Assert.Throws<ArgumentException>(() => voter.Add(new FaceVote(FaceVoteKind.Match, null, 0.5f, 0.3f, 0.9f, LivenessPassed: true)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CandidateVoter(new VoteRules(VotesRequired: 4, VoteWindow: 3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CandidateVoter(ThreeOfFive with { OneFrame = Unambiguous with { MinimumSimilarity = 1.5f } }));
    }

    [Fact]
    public void AnUnambiguousFirstFrameDecidesAlone()
    {
        var voter = new CandidateVoter(ThreeOfFiveOrOneClearFrame);

        var verdict = voter.Add(Live("alice", similarity: 0.72f, margin: 0.5f, liveness: 0.95f));

        Assert.Equal(VoteVerdictKind.Candidate, verdict.Kind);
        Assert.True(verdict.OneFrame);
        Assert.Equal(("alice", 1), (verdict.PersonId, verdict.AgreeingFrames));
        Assert.Equal(0.72, verdict.Similarity, 5);
        Assert.Equal(0.95, verdict.LivenessScore, 5);
        Assert.True(voter.CandidateEmitted);
        Assert.Equal(VoteVerdictKind.None, voter.Add(Live("alice", 0.72f, 0.5f, 0.95f)).Kind);
    }

    [Theory]
    [InlineData(0.59f, 0.5f, 0.95f, "similarity below the one-frame bar (above the vote's threshold)")]
    [InlineData(0.72f, 0.14f, 0.95f, "too close to the second-best person")]
    [InlineData(0.72f, 0.5f, 0.79f, "liveness passed, but not with the one-frame margin")]
    public void AMarginalFrameFallsBackToTheVote(float similarity, float margin, float liveness, string why)
    {
        var voter = new CandidateVoter(ThreeOfFiveOrOneClearFrame);

        var verdicts = Enumerable.Range(0, 3).Select(_ => voter.Add(Live("alice", similarity, margin, liveness))).ToList();

        Assert.True(verdicts.Take(2).All(v => v.Kind == VoteVerdictKind.None), why);
        Assert.Equal(VoteVerdictKind.Candidate, verdicts[2].Kind);
        Assert.False(verdicts[2].OneFrame, why);
        Assert.Equal(3, verdicts[2].AgreeingFrames);
    }

    [Fact]
    public void AFrameWhosePresentationCheckDidNotPassNeverDecidesAlone()
    {
        var voter = new CandidateVoter(ThreeOfFiveOrOneClearFrame);

        // A perfect match with a high liveness score: the presentation check (failing, or not yet
        // decided: a paired infrared frame missing, a required blink not seen yet) has the last word.
        var verdict = voter.Add(FaceVote.Match("alice", 0.95f, 0.9f, 0.99f, livenessPassed: false));

        Assert.Equal(VoteVerdictKind.None, verdict.Kind);
        Assert.False(voter.CandidateEmitted);
    }

    [Fact]
    public void AFrameOfATrackWithAttackEvidenceNeverDecidesAlone()
    {
        var voter = new CandidateVoter(ThreeOfFiveOrOneClearFrame);

        // Even with this frame's check passed, the track moved as a plane (or infrared showed no face).
        var verdict = voter.Add(new FaceVote(FaceVoteKind.Match, "alice", 0.95f, 0.9f, 0.99f, LivenessPassed: true, AttackEvidence: true));

        Assert.Equal(VoteVerdictKind.None, verdict.Kind);
        Assert.False(voter.CandidateEmitted);
    }

    [Fact]
    public void AFaceWhosePresentationPassesLaterIsDecidedOnItsFirstPassingFrame()
    {
        var voter = new CandidateVoter(ThreeOfFiveOrOneClearFrame);
        Assert.Equal(VoteVerdictKind.None, voter.Add(FaceVote.Match("alice", 0.8f, 0.5f, 0.95f, livenessPassed: false)).Kind);

        var verdict = voter.Add(Live("alice", 0.8f, 0.5f, 0.95f));

        Assert.Equal((VoteVerdictKind.Candidate, true, 1), (verdict.Kind, verdict.OneFrame, verdict.AgreeingFrames));
    }

    [Fact]
    public void AClearFrameAfterAFrameThatNamedSomeoneElseVotes()
    {
        var voter = new CandidateVoter(ThreeOfFiveOrOneClearFrame);
        Assert.Equal(VoteVerdictKind.None, voter.Add(Live("bob", 0.55f, 0.1f)).Kind);

        // The window has seen two people: no one-frame decision, alice needs her three votes.
        Assert.Equal(VoteVerdictKind.None, voter.Add(Live("alice", 0.8f, 0.5f)).Kind);
        Assert.Equal(VoteVerdictKind.None, voter.Add(Live("alice", 0.8f, 0.5f)).Kind);
        var verdict = voter.Add(Live("alice", 0.8f, 0.5f));
        Assert.Equal((VoteVerdictKind.Candidate, "alice", false), (verdict.Kind, verdict.PersonId, verdict.OneFrame));
    }

    [Fact]
    public void AnEarlierUnclearFrameOfTheSamePersonDoesNotHoldBackAClearOne()
    {
        var voter = new CandidateVoter(ThreeOfFiveOrOneClearFrame);
        Assert.Equal(VoteVerdictKind.None, voter.Add(Live("alice", 0.52f, 0.1f)).Kind);
        Assert.Equal(VoteVerdictKind.None, voter.Add(Unknown(0.4f)).Kind);

        var verdict = voter.Add(Live("alice", 0.7f, 0.4f));

        Assert.Equal((VoteVerdictKind.Candidate, true, 1), (verdict.Kind, verdict.OneFrame, verdict.AgreeingFrames));
    }

    [Fact]
    public void WithoutTheOneFrameRuleEvenAPerfectFrameVotes()
    {
        var voter = new CandidateVoter(ThreeOfFive);
        Assert.Equal(VoteVerdictKind.None, voter.Add(Live("alice", 0.99f, 1f, 1f)).Kind);
        Assert.Equal(VoteVerdictKind.None, voter.Add(Live("alice", 0.99f, 1f, 1f)).Kind);
        Assert.Equal(VoteVerdictKind.Candidate, voter.Add(Live("alice", 0.99f, 1f, 1f)).Kind);
    }
}
