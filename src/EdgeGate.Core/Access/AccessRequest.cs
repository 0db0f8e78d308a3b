using EdgeGate.Core.Persons;

namespace EdgeGate.Core.Access;

/// <summary>
/// Everything the policy needs about one presentation at one door. The caller resolves the records:
/// for a face, the <see cref="Person"/> of <see cref="FaceCredential.PersonId"/>; for a card, the
/// <see cref="Card"/> with that number and its holder. A record that is not found is null.
/// </summary>
public sealed record AccessRequest
{
    public required AccessCredential Credential { get; init; }
    public required Door Door { get; init; }

    /// <summary>When the presentation happened (an input: the policy reads no clock).</summary>
    public required DateTimeOffset At { get; init; }

    public Person? Person { get; init; }
    public Card? Card { get; init; }

    /// <summary>
    /// Which way the reader or camera serves on a two-way door (drives anti-passback). For a one-way
    /// door it may be left out; when given it must agree with the door.
    /// </summary>
    public PassageDirection? Side { get; init; }
}
