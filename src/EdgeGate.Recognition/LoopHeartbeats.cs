using System.Collections.Concurrent;

namespace EdgeGate.Recognition;

/// <summary>
/// Each long-running loop beats here once per iteration (or per idle wait); the systemd watchdog is
/// only fed while every registered loop has beaten recently, so a hung loop gets the service restarted.
/// </summary>
public sealed class LoopHeartbeats(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> lastBeats = new(StringComparer.Ordinal);

    public void Beat(string loopName) => lastBeats[loopName] = timeProvider.GetUtcNow();

    /// <summary>A loop that ended on purpose (shutdown, camera removed) stops being watched.</summary>
    public void Retire(string loopName) => lastBeats.TryRemove(loopName, out _);

    /// <summary>Loops whose last beat is older than <paramref name="maximumSilence"/>.</summary>
    public IReadOnlyList<string> Stalled(TimeSpan maximumSilence)
    {
        var now = timeProvider.GetUtcNow();
        return lastBeats.Where(pair => now - pair.Value > maximumSilence).Select(pair => pair.Key).Order(StringComparer.Ordinal).ToList();
    }
}
