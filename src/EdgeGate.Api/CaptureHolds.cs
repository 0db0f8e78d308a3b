using System.Security.Cryptography;
using EdgeGate.Recognition;

namespace EdgeGate.Api;

/// <summary>
/// Faces captured from a camera for one person, held in memory between "capture" (the console shows the
/// face) and "save" (<c>POST persons/{id}/capture?captureId=</c>): at most <see cref="Maximum"/> at a time,
/// each for <see cref="HeldFor"/>, one per person (a retake replaces it), removed when used. Never on disk.
/// </summary>
internal sealed class CaptureHolds(TimeProvider timeProvider)
{
    public const int Maximum = 8;

    public static readonly TimeSpan HeldFor = TimeSpan.FromMinutes(2);

    private readonly Lock gate = new();
    private readonly Dictionary<string, Held> held = new(StringComparer.Ordinal);

    /// <summary>Holds <paramref name="capture"/> for <paramref name="personId"/>, replacing their earlier one; the new id and when it expires.</summary>
    public (string Id, DateTimeOffset ExpiresAt) Hold(string personId, FaceCapture capture)
    {
        var now = timeProvider.GetUtcNow();
        var id = Base64Url(RandomNumberGenerator.GetBytes(12));
        lock (gate)
        {
            foreach (var (key, entry) in held.ToList())
            {
                if (entry.ExpiresAt <= now || entry.PersonId == personId)
                {
                    held.Remove(key);
                }
            }
            if (held.Count >= Maximum)
            {
                held.Remove(held.MinBy(entry => entry.Value.ExpiresAt).Key);
            }
            held[id] = new Held(personId, capture, now + HeldFor);
        }
        return (id, now + HeldFor);
    }

    /// <summary>The capture held under <paramref name="id"/> for <paramref name="personId"/>; null when unknown, another person's or expired.</summary>
    public FaceCapture? Find(string personId, string id)
    {
        lock (gate)
        {
            return held.TryGetValue(id, out var entry) && entry.PersonId == personId && entry.ExpiresAt > timeProvider.GetUtcNow()
                ? entry.Capture
                : null;
        }
    }

    /// <summary>Forgets the capture (used, or refused).</summary>
    public void Release(string id)
    {
        lock (gate)
        {
            held.Remove(id);
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record Held(string PersonId, FaceCapture Capture, DateTimeOffset ExpiresAt);
}
