using EdgeGate.Vision.Tracking;

namespace EdgeGate.Vision.Tests.Tracking;

/// <summary>Strong attack evidence from the track (planar motion, no face in infrared) reports a spoof without the usual wait.</summary>
public sealed class CandidateVoterAttackEvidenceTests
{
    private static readonly VoteRules ThreeOfFive = new(VotesRequired: 3, VoteWindow: 5);

    private static FaceVote Failing(bool attackEvidence) =>
        new(FaceVoteKind.Match, "alice", 0.6f, 0.3f, 0.9f, LivenessPassed: false, attackEvidence);

    [Fact]
    public void WithStrongEvidenceTheSpoofComesAsSoonAsEnoughFramesAgreeOnThePerson()
    {
        var voter = new CandidateVoter(ThreeOfFive);
        Assert.Equal(VoteVerdictKind.None, voter.Add(Failing(attackEvidence: false)).Kind);
        // Evidence before the person is established: not yet.
        Assert.Equal(VoteVerdictKind.None, voter.Add(Failing(attackEvidence: true)).Kind);
        var verdict = voter.Add(Failing(attackEvidence: true));
        Assert.Equal(VoteVerdictKind.SpoofCandidate, verdict.Kind);
        Assert.Equal("alice", verdict.PersonId);
        Assert.Equal(3, verdict.AgreeingFrames);
        Assert.Equal(VoteVerdictKind.None, voter.Add(Failing(attackEvidence: true)).Kind);
    }

    [Fact]
    public void WithoutItAFailingTrackWaitsForTheSpoofDelay()
    {
        var voter = new CandidateVoter(ThreeOfFive);
        for (var frame = 1; frame < ThreeOfFive.EffectiveSpoofAfterFrames; frame++)
        {
            Assert.Equal(VoteVerdictKind.None, voter.Add(Failing(attackEvidence: false)).Kind);
        }
        Assert.Equal(VoteVerdictKind.SpoofCandidate, voter.Add(Failing(attackEvidence: false)).Kind);
    }
}
