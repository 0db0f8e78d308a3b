using EdgeGate.Core.Recognition;

namespace EdgeGate.Core.Access;

public enum CredentialKind
{
    Face,
    Card,
    Remote,
    ExitButton,
}

/// <summary>
/// What was presented at a door. Face, card and remote unlock are all first-class: face is never
/// the only way in (card and remote always exist), and face and card go through the same person checks.
/// </summary>
public abstract record AccessCredential
{
    private protected AccessCredential()
    {
    }

    public abstract CredentialKind Kind { get; }
}

/// <summary>
/// A face seen by a camera, after recognition voted over a few frames.
/// </summary>
/// <param name="PersonId">The matched person, or null when the face matched no one (a stranger).
/// The recognition stage owns the match thresholds; the policy trusts this identity.</param>
/// <param name="Similarity">Cosine similarity of the best match (for the journal).</param>
/// <param name="LivenessScore">P(real) from the liveness model (for the journal).</param>
/// <param name="LivenessPassed">The recognition stage's liveness verdict; false means a presentation attack.</param>
/// <param name="CameraId">The camera that saw the face.</param>
/// <param name="Presentation">The liveness evidence the recognition stage used (for the journal), when it has it.</param>
public sealed record FaceCredential(
    string? PersonId,
    double Similarity,
    double LivenessScore,
    bool LivenessPassed,
    string CameraId,
    PresentationEvidence? Presentation = null) : AccessCredential
{
    public override CredentialKind Kind => CredentialKind.Face;
}

/// <summary>
/// A card number read by a reader. The caller looks the card and its holder up and passes them in
/// <see cref="AccessRequest.Card"/> and <see cref="AccessRequest.Person"/> (null when not found).
/// </summary>
public sealed record CardCredential(string Uid, string? ReaderId = null) : AccessCredential
{
    public override CredentialKind Kind => CredentialKind.Card;
}

/// <summary>
/// A remote unlock by the property office or the platform. It checks the door, not a person.
/// </summary>
public sealed record RemoteCredential(string OperatorId, string Reason) : AccessCredential
{
    public override CredentialKind Kind => CredentialKind.Remote;
}

/// <summary>The request-to-exit button: always granted as egress, and journaled.</summary>
public sealed record ExitButtonCredential(string? InputId = null) : AccessCredential
{
    public override CredentialKind Kind => CredentialKind.ExitButton;
}
