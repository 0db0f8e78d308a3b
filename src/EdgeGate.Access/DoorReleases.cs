using EdgeGate.Core.Doors;

namespace EdgeGate.Access;

/// <summary>
/// Whether the gateway has each door's lock released: <see cref="DoorService"/> writes it before it
/// drives a door (so an opening during the pulse is never taken for a forced one) and after;
/// <see cref="DoorInputService"/> reads it to tell a legitimate opening from a forced one.
/// A command that failed still counts as a release: the board may have switched anyway, and a
/// false forced-open alarm is worse than a missed one at the moment the gateway itself asked to open.
/// </summary>
public sealed class DoorReleases
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, DoorRelease> releases = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The release state of a door now (locked when nothing was ever asked).</summary>
    public DoorRelease For(string doorName)
    {
        lock (gate)
        {
            return releases.TryGetValue(doorName, out var release) ? release : DoorRelease.Locked;
        }
    }

    /// <summary>A pulse starts: the door counts as released until <paramref name="until"/>.</summary>
    public void PulseStarting(string doorName, DateTimeOffset until) => Change(doorName, release => release with { Until = Later(release.Until, until) });

    /// <summary>A pulse ended at <paramref name="at"/> (a relock that needed retries ends it later than planned).</summary>
    public void PulseEnded(string doorName, DateTimeOffset at) => Change(doorName, release => release with { Until = Later(release.Until, at) });

    /// <summary>The door is held released until told otherwise.</summary>
    public void HeldReleased(string doorName) => Change(doorName, release => release with { Held = true });

    /// <summary>A hold ended at <paramref name="at"/>: held-open is timed from here.</summary>
    public void Locked(string doorName, DateTimeOffset at) =>
        Change(doorName, release => new DoorRelease(release.Held ? Later(release.Until, at) : release.Until, Held: false));

    private void Change(string doorName, Func<DoorRelease, DoorRelease> change)
    {
        lock (gate)
        {
            releases[doorName] = change(releases.TryGetValue(doorName, out var release) ? release : DoorRelease.Locked);
        }
    }

    private static DateTimeOffset Later(DateTimeOffset? current, DateTimeOffset candidate) =>
        current is { } value && value > candidate ? value : candidate;
}
