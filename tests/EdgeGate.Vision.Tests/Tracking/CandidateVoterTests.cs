using EdgeGate.Vision.Tracking;

namespace EdgeGate.Vision.Tests.Tracking;

public sealed class CandidateVoterTests
{
    private static readonly VoteRules ThreeOfFive = new(VotesRequired: 3, VoteWindow: 5);

    private static FaceVote Live(string person, float similarity = 0.6f) => FaceVote.Match(person, similarity, 0.9f, livenessPassed: true);

    private static FaceVote Flat(string person) => FaceVote.Match(person, 0.6f, 0.1f, livenessPassed: false);

    private static FaceVote Unknown(float similarity = 0.2f) => FaceVote.NoMatch(similarity, 0.9f, livenessPassed: true);

    [Fact]
    public void Emits_one_candidate_when_k_of_the_last_n_frames_agree()
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
    public void Votes_older_than_the_window_do_not_count()
    {
        var voter = new CandidateVoter(ThreeOfFive);
        voter.Add(Live("alice"));
        voter.Add(Live("alice"));
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(VoteVerdictKind.None, voter.Add(FaceVote.Ambiguous(0.5f, 0.9f, true)).Kind);
        }
        // The two early alice votes slide out of the last five as new ones come in.
        Assert.Equal(VoteVerdictKind.None, voter.Add(Live("alice")).Kind);
        Assert.Equal(VoteVerdictKind.None, voter.Add(Live("alice")).Kind);
        Assert.Equal(VoteVerdictKind.Candidate, voter.Add(Live("alice")).Kind);
    }

    [Fact]
    public void Disagreeing_frames_do_not_add_up()
    {
        var voter = new CandidateVoter(ThreeOfFive);
        foreach (var person in new[] { "alice", "bob", "alice", "bob", "carol" })
        {
            Assert.Equal(VoteVerdictKind.None, voter.Add(Live(person)).Kind);
        }
        Assert.False(voter.CandidateEmitted);
    }

    [Fact]
    public void Liveness_failures_do_not_count_and_end_in_one_spoof_candidate()
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
    public void Stranger_is_reported_once_after_a_full_window_without_any_match()
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
    public void One_match_in_the_window_holds_back_the_stranger_report()
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
    public void Rejects_a_match_without_a_person_and_invalid_rules()
    {
        var voter = new CandidateVoter(ThreeOfFive);
        Assert.Throws<ArgumentException>(() => voter.Add(new FaceVote(FaceVoteKind.Match, null, 0.5f, 0.9f, true)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CandidateVoter(new VoteRules(VotesRequired: 4, VoteWindow: 3)));
    }
}
