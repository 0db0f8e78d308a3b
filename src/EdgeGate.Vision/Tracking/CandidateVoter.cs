namespace EdgeGate.Vision.Tracking;

/// <summary>What one frame said about a tracked face after the 1:N search.</summary>
public enum FaceVoteKind
{
    /// <summary>One person above the threshold and ahead of the others by the margin.</summary>
    Match,

    /// <summary>Nobody similar enough: this frame says "stranger".</summary>
    NoMatch,

    /// <summary>Someone above the threshold but another person too close: this frame abstains.</summary>
    Ambiguous,
}

/// <summary>One frame's vote for a track.</summary>
/// <param name="PersonId">The matched person (only for <see cref="FaceVoteKind.Match"/>).</param>
/// <param name="Similarity">Similarity to the best person (−1 with an empty gallery).</param>
/// <param name="Margin">Best minus second-best person similarity (2 when nobody else is enrolled).</param>
/// <param name="LivenessScore">P(real) from the liveness model.</param>
/// <param name="LivenessPassed">Whether the face's presentation check passed on this frame (see
/// <see cref="Presentation.TrackPresentation"/>: the single-frame check, and the track's motion and infrared evidence).</param>
/// <param name="AttackEvidence">The track has strong evidence of a presentation attack (planar motion, no face in
/// infrared): a spoof is reported as soon as enough frames agree on the person, without waiting.</param>
public readonly record struct FaceVote(
    FaceVoteKind Kind, string? PersonId, float Similarity, float Margin, float LivenessScore, bool LivenessPassed, bool AttackEvidence = false)
{
    public static FaceVote Match(string personId, float similarity, float margin, float livenessScore, bool livenessPassed) =>
        new(FaceVoteKind.Match, personId, similarity, margin, livenessScore, livenessPassed);

    public static FaceVote NoMatch(float similarity, float livenessScore, bool livenessPassed) =>
        new(FaceVoteKind.NoMatch, null, similarity, 0f, livenessScore, livenessPassed);

    public static FaceVote Ambiguous(float similarity, float margin, float livenessScore, bool livenessPassed) =>
        new(FaceVoteKind.Ambiguous, null, similarity, margin, livenessScore, livenessPassed);
}

/// <summary>
/// When one frame is enough: a match well above the vote's threshold, far ahead of the second
/// person, whose presentation check passed on this frame (<see cref="FaceVote.LivenessPassed"/>, the
/// one verdict the vote uses too) on a track without attack evidence, with a liveness score of at
/// least <paramref name="MinimumLiveness"/> (the faces that vote at all already passed the quality
/// gate). A face whose presentation is failing or not yet decided (no liveness score, a paired
/// infrared frame missing, a required blink not seen yet) votes like every other frame. The bars
/// and the evidence that they are as safe as the vote are in docs/recognition-latency.md.
/// </summary>
/// <param name="MinimumSimilarity">Similarity the match must reach (above the vote's match threshold).</param>
/// <param name="MinimumMargin">Lead over the second-best person (above the vote's margin).</param>
/// <param name="MinimumLiveness">P(real) the frame must reach besides passing the presentation check.</param>
public sealed record OneFrameRule(float MinimumSimilarity, float MinimumMargin, float MinimumLiveness)
{
    /// <summary>True when <paramref name="vote"/> alone decides its track.</summary>
    public bool Decides(in FaceVote vote) =>
        vote.Kind == FaceVoteKind.Match
        && vote.LivenessPassed
        && !vote.AttackEvidence
        && vote.Similarity >= MinimumSimilarity
        && vote.Margin >= MinimumMargin
        && vote.LivenessScore >= MinimumLiveness;

    public void Validate()
    {
        if (!(MinimumSimilarity is > 0f and <= 1f) || !(MinimumMargin is >= 0f and <= 2f) || !(MinimumLiveness is >= 0f and <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumSimilarity), this, "similarity must be in (0, 1], margin in [0, 2], liveness in [0, 1]");
        }
    }
}

/// <summary>The vote's rules (from the Recognition configuration section).</summary>
/// <param name="VotesRequired">k: frames of the window that must agree.</param>
/// <param name="VoteWindow">n: how many of the latest frames count.</param>
/// <param name="SpoofAfterFrames">A track that keeps matching one person without passing liveness
/// is reported as a presentation attack after this many frames (0 = twice the window); with strong
/// attack evidence (<see cref="FaceVote.AttackEvidence"/>) at once.</param>
/// <param name="OneFrame">When a single frame decides (null: always vote).</param>
public sealed record VoteRules(int VotesRequired, int VoteWindow, int SpoofAfterFrames = 0, OneFrameRule? OneFrame = null)
{
    public int EffectiveSpoofAfterFrames => SpoofAfterFrames > 0 ? SpoofAfterFrames : 2 * VoteWindow;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(VotesRequired, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(VoteWindow, VotesRequired);
        ArgumentOutOfRangeException.ThrowIfNegative(SpoofAfterFrames);
        OneFrame?.Validate();
    }
}

public enum VoteVerdictKind
{
    /// <summary>Nothing to report yet (or already reported).</summary>
    None,

    /// <summary>k of the last n frames agree on one person and passed liveness, or one frame met the one-frame rule.</summary>
    Candidate,

    /// <summary>The track kept matching one person but never passed liveness, or showed strong attack evidence: a candidate with liveness failed.</summary>
    SpoofCandidate,

    /// <summary>A full window with no match at all and at least k "stranger" votes.</summary>
    Stranger,
}

/// <summary>What the voter concluded after a vote.</summary>
/// <param name="PersonId">The person (candidates only).</param>
/// <param name="Similarity">Mean similarity of the agreeing frames (candidates) or the best seen on the track (strangers).</param>
/// <param name="LivenessScore">Mean P(real) of the agreeing frames (strangers: of the window).</param>
/// <param name="AgreeingFrames">How many frames of the window agreed (1 for a one-frame decision).</param>
/// <param name="OneFrame">The candidate was decided on one frame by the <see cref="OneFrameRule"/>.</param>
public readonly record struct VoteVerdict(VoteVerdictKind Kind, string? PersonId, double Similarity, double LivenessScore, int AgreeingFrames, bool OneFrame = false)
{
    public static VoteVerdict None { get; } = new(VoteVerdictKind.None, null, 0, 0, 0);
}

/// <summary>
/// The per-track vote: a candidate at once when a frame meets the <see cref="OneFrameRule"/> and no
/// frame of the window named someone else, otherwise once k of the last n frames agree on the same
/// person with liveness passing; at most one candidate per track (one person standing in view is
/// one candidate), at most one presentation-attack candidate, and one stranger report for a track
/// that stays unknown. Pure and single-threaded.
/// </summary>
public sealed class CandidateVoter
{
    private readonly VoteRules rules;
    private readonly FaceVote[] window;
    private int count;
    private int next;
    private int totalVotes;
    private float bestSimilarity = -1f;

    public CandidateVoter(VoteRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        rules.Validate();
        this.rules = rules;
        window = new FaceVote[rules.VoteWindow];
    }

    /// <summary>A live candidate was emitted: the track needs no more votes.</summary>
    public bool CandidateEmitted { get; private set; }

    public bool SpoofEmitted { get; private set; }

    public bool StrangerEmitted { get; private set; }

    /// <summary>Votes received so far.</summary>
    public int TotalVotes => totalVotes;

    /// <summary>Highest similarity to anyone seen on this track.</summary>
    public float BestSimilarity => bestSimilarity;

    /// <summary>Adds a frame's vote and says what, if anything, to emit now.</summary>
    public VoteVerdict Add(FaceVote vote)
    {
        if (CandidateEmitted)
        {
            return VoteVerdict.None;
        }
        if (vote.Kind == FaceVoteKind.Match && string.IsNullOrEmpty(vote.PersonId))
        {
            throw new ArgumentException("a match vote needs a person", nameof(vote));
        }
        window[next] = vote;
        next = (next + 1) % window.Length;
        count = Math.Min(count + 1, window.Length);
        totalVotes++;
        bestSimilarity = Math.Max(bestSimilarity, vote.Similarity);

        var leader = LeadingPerson(out var matchesInWindow, out var personsInWindow);
        if (rules.OneFrame is { } oneFrame && oneFrame.Decides(vote) && personsInWindow == 1)
        {
            CandidateEmitted = true;
            return new VoteVerdict(VoteVerdictKind.Candidate, vote.PersonId, vote.Similarity, vote.LivenessScore, AgreeingFrames: 1, OneFrame: true);
        }
        if (leader is not null)
        {
            var (live, liveSimilarity, liveScore) = Tally(leader, requireLiveness: true);
            if (live >= rules.VotesRequired)
            {
                CandidateEmitted = true;
                return new VoteVerdict(VoteVerdictKind.Candidate, leader, liveSimilarity, liveScore, live);
            }
            var (agreeing, similarity, score) = Tally(leader, requireLiveness: false);
            if (!SpoofEmitted && agreeing >= rules.VotesRequired && (vote.AttackEvidence || totalVotes >= rules.EffectiveSpoofAfterFrames))
            {
                SpoofEmitted = true;
                return new VoteVerdict(VoteVerdictKind.SpoofCandidate, leader, similarity, score, agreeing);
            }
        }

        if (!StrangerEmitted && count == window.Length && matchesInWindow == 0)
        {
            var strangerVotes = 0;
            double livenessSum = 0;
            for (var i = 0; i < count; i++)
            {
                livenessSum += window[i].LivenessScore;
                if (window[i].Kind == FaceVoteKind.NoMatch)
                {
                    strangerVotes++;
                }
            }
            if (strangerVotes >= rules.VotesRequired)
            {
                StrangerEmitted = true;
                return new VoteVerdict(VoteVerdictKind.Stranger, null, bestSimilarity, livenessSum / count, strangerVotes);
            }
        }
        return VoteVerdict.None;
    }

    /// <summary>The person with the most match votes in the window (ties: the most recent vote's person).</summary>
    private string? LeadingPerson(out int matchesInWindow, out int personsInWindow)
    {
        matchesInWindow = 0;
        personsInWindow = 0;
        string? leader = null;
        var leaderVotes = 0;
        // Walk from the newest vote backwards so that a tie goes to the most recent person.
        for (var age = 0; age < count; age++)
        {
            var vote = window[(next - 1 - age + window.Length) % window.Length];
            if (vote.Kind != FaceVoteKind.Match)
            {
                continue;
            }
            matchesInWindow++;
            if (vote.PersonId == leader)
            {
                continue;
            }
            if (!NamedBefore(vote.PersonId!, age))
            {
                personsInWindow++;
            }
            var votes = Tally(vote.PersonId!, requireLiveness: false).Count;
            if (votes > leaderVotes)
            {
                leader = vote.PersonId;
                leaderVotes = votes;
            }
        }
        return leader;
    }

    /// <summary>Whether a vote newer than the one <paramref name="age"/> frames back matched <paramref name="personId"/>.</summary>
    private bool NamedBefore(string personId, int age)
    {
        for (var newer = 0; newer < age; newer++)
        {
            var vote = window[(next - 1 - newer + window.Length) % window.Length];
            if (vote.Kind == FaceVoteKind.Match && vote.PersonId == personId)
            {
                return true;
            }
        }
        return false;
    }

    private (int Count, double MeanSimilarity, double MeanLiveness) Tally(string personId, bool requireLiveness)
    {
        var agreeing = 0;
        double similarity = 0;
        double liveness = 0;
        for (var i = 0; i < count; i++)
        {
            var vote = window[i];
            if (vote.Kind == FaceVoteKind.Match && vote.PersonId == personId && (!requireLiveness || vote.LivenessPassed))
            {
                agreeing++;
                similarity += vote.Similarity;
                liveness += vote.LivenessScore;
            }
        }
        return agreeing == 0 ? (0, 0, 0) : (agreeing, similarity / agreeing, liveness / agreeing);
    }
}
