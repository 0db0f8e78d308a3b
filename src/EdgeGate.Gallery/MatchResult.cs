namespace EdgeGate.Gallery;

/// <summary>What a 1:N search concluded about a face.</summary>
public enum MatchOutcome
{
    /// <summary>Nobody in the gallery is similar enough (or the gallery has no eligible person): a stranger.</summary>
    NoMatch,

    /// <summary>One person is above the threshold and ahead of every other person by at least the margin.</summary>
    Match,

    /// <summary>The best person is above the threshold but another person is too close behind.</summary>
    Ambiguous,
}

/// <summary>
/// The thresholds a search result is judged by. Similarities are cosines (dot products of unit
/// vectors), so both values live in [-1, 1] and [0, 2].
/// </summary>
/// <param name="Similarity">The lowest similarity to the best person that counts as a match.</param>
/// <param name="Margin">How far the best person must be ahead of the second-best person.</param>
public readonly record struct MatchThresholds(float Similarity, float Margin)
{
    /// <summary>Throws when a value is outside its meaningful range or not a number.</summary>
    public void Validate()
    {
        if (!(Similarity >= -1f && Similarity <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(Similarity), Similarity, "the similarity threshold must be in [-1, 1]");
        }

        if (!(Margin >= 0f && Margin <= 2f))
        {
            throw new ArgumentOutOfRangeException(nameof(Margin), Margin, "the margin must be in [0, 2]");
        }
    }
}

/// <summary>
/// The best and second-best PERSON for a query (a person with several templates counts once, by the
/// best of them). <see cref="SecondSimilarity"/> is -1, the lowest possible cosine, when there is no
/// other eligible person; <see cref="BestPersonId"/> is null when the gallery holds no eligible template.
/// </summary>
public readonly record struct GallerySearchResult(
    string? BestPersonId,
    long BestTemplateId,
    float BestSimilarity,
    string? SecondPersonId,
    float SecondSimilarity)
{
    /// <summary>No eligible template at all.</summary>
    public static GallerySearchResult Empty { get; } = new(null, 0, -1f, null, -1f);

    /// <summary>Best minus second-best similarity.</summary>
    public float Margin => BestSimilarity - SecondSimilarity;

    /// <summary>Judges this result against <paramref name="thresholds"/>.</summary>
    public MatchResult Judge(MatchThresholds thresholds)
    {
        if (BestPersonId is null || BestSimilarity < thresholds.Similarity)
        {
            return MatchResult.NoMatch(this);
        }

        return Margin >= thresholds.Margin ? MatchResult.Match(this) : MatchResult.Ambiguous(this);
    }
}

/// <summary>
/// The outcome of a 1:N match as a value (a stranger is an expected outcome, not an error). The search
/// details are kept for every outcome so that stranger and ambiguity events can be logged with the
/// best similarity.
/// </summary>
public readonly record struct MatchResult
{
    private MatchResult(MatchOutcome outcome, GallerySearchResult search)
    {
        Outcome = outcome;
        Search = search;
    }

    public MatchOutcome Outcome { get; }

    /// <summary>The raw search result this outcome was judged from.</summary>
    public GallerySearchResult Search { get; }

    public bool IsMatch => Outcome == MatchOutcome.Match;

    /// <summary>The matched person; null unless <see cref="Outcome"/> is <see cref="MatchOutcome.Match"/>.</summary>
    public string? PersonId => Outcome == MatchOutcome.Match ? Search.BestPersonId : null;

    /// <summary>The similarity to the best person (for every outcome; -1 when the gallery was empty).</summary>
    public float Similarity => Search.BestSimilarity;

    /// <summary>Best minus second-best person similarity.</summary>
    public float Margin => Search.Margin;

    public static MatchResult Match(GallerySearchResult search) => new(MatchOutcome.Match, search);

    public static MatchResult NoMatch(GallerySearchResult search) => new(MatchOutcome.NoMatch, search);

    public static MatchResult Ambiguous(GallerySearchResult search) => new(MatchOutcome.Ambiguous, search);

    public override string ToString() => Outcome switch
    {
        MatchOutcome.Match => $"Match({Search.BestPersonId}, similarity {Search.BestSimilarity:F3}, margin {Margin:F3})",
        MatchOutcome.Ambiguous => $"Ambiguous({Search.BestPersonId} {Search.BestSimilarity:F3} vs {Search.SecondPersonId} {Search.SecondSimilarity:F3})",
        _ => $"NoMatch(best similarity {Search.BestSimilarity:F3})",
    };
}
