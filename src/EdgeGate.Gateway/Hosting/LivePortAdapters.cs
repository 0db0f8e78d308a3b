using System.Globalization;
using System.Runtime.CompilerServices;
using EdgeGate.Core.Access;
using EdgeGate.Core.Doors;
using EdgeGate.Api;
using EdgeGate.Recognition;
using EdgeGate.Access;

namespace EdgeGate.Gateway.Hosting;

/// <summary>The decision stage's broadcast as the admin API sees it: decisions only.</summary>
public sealed class DecisionFeedAdapter(DecisionFeed feed) : IDecisionFeed
{
    public IReadOnlyList<AccessDecision> Recent =>
        feed.Recent.OfType<DecisionMade>().Select(item => item.Decision).ToList();

    public async IAsyncEnumerable<AccessDecision> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscription = feed.Subscribe();
        await foreach (var item in subscription.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (item is DecisionMade made)
            {
                yield return made.Decision;
            }
        }
    }
}

/// <summary>
/// Remote unlock from the console and from platform commands: a remote credential goes through the
/// access policy like any other (journaled as GRANTED_REMOTE when it opens), then the door is driven.
/// </summary>
public sealed class RemoteUnlockBridge(AccessAttemptQueue queue, DecisionFeed feed, AccessDoors doors, TimeProvider timeProvider)
    : IRemoteUnlock
{
    /// <summary>How long a caller waits for the decision and the door's answer.</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(15);

    public async ValueTask<RemoteUnlockResult> RequestAsync(string doorName, string operatorId, string reason, CancellationToken cancellationToken)
    {
        var (decision, outcome) = await UnlockAsync(doorName, operatorId, reason, cancellationToken).ConfigureAwait(false);
        if (decision is null)
        {
            return new RemoteUnlockResult(RemoteUnlockStatus.UnknownDoor, $"no door named '{doorName}' on this gateway");
        }
        if (!decision.Granted)
        {
            return new RemoteUnlockResult(RemoteUnlockStatus.Denied, decision.Message, decision);
        }
        return outcome is DoorCommandOutcome.Done
            ? new RemoteUnlockResult(RemoteUnlockStatus.Unlocked, $"{doorName} released", decision)
            : new RemoteUnlockResult(RemoteUnlockStatus.DoorNotResponding, NotConfirmed(doorName, outcome), decision);
    }

    /// <summary>
    /// What the operator reads when the door did not confirm: plain words, no driver or exception text
    /// (the journal's door_fault alert and the log carry the details).
    /// </summary>
    public static string NotConfirmed(string doorName, DoorCommandOutcome? outcome) => outcome switch
    {
        DoorCommandOutcome.NoResponse noResponse =>
            $"{doorName} did not confirm the release: its lock did not answer within {noResponse.Waited.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s. Check the lock's power and wiring",
        DoorCommandOutcome.Rejected =>
            $"{doorName} did not confirm the release: its lock refused it (for example a jammed lock)",
        DoorCommandOutcome.TransportError =>
            $"{doorName} did not confirm the release: the gateway could not reach its lock (cable, power or lock broker); the door_fault alert in the journal has the details",
        DoorCommandOutcome.NotSupported =>
            $"{doorName} cannot be released remotely: its lock does not support it",
        _ => $"{doorName} did not confirm the release within {AnswerTimeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s",
    };

    private async Task<(AccessDecision? Decision, DoorCommandOutcome? Outcome)> UnlockAsync(
        string doorName, string operatorId, string reason, CancellationToken cancellationToken)
    {
        if (!doors.TryGet(doorName, out _, out _))
        {
            return (null, null);
        }
        var attempt = AccessAttempt.ForRemote(operatorId, reason, doorName, timeProvider.GetUtcNow());
        using var subscription = feed.Subscribe();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AnswerTimeout);
        await queue.SubmitAsync(attempt, cancellationToken).ConfigureAwait(false);
        AccessDecision? decision = null;
        try
        {
            await foreach (var item in subscription.Reader.ReadAllAsync(timeout.Token).ConfigureAwait(false))
            {
                if (item is DecisionMade made && made.Attempt.Id == attempt.Id)
                {
                    decision = made.Decision;
                    if (!decision.Granted)
                    {
                        return (decision, null);
                    }
                }
                else if (item is DoorOperated operated && operated.Command.AttemptId == attempt.Id)
                {
                    return (decision, operated.Outcome);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // No answer in time: reported as such by the callers.
        }
        return (decision, null);
    }
}

/// <summary>Camera health and snapshots as the console shows them.</summary>
public sealed class CameraStatusAdapter(CameraHealthRegistry registry, CameraSnapshots snapshots) : ICameraStatus
{
    public IReadOnlyList<CameraHealthView> Snapshot() =>
        registry.Snapshot().Select(health => new CameraHealthView(
            health.Name,
            health.Door,
            health.State.ToString(),
            health.FramesPerSecondIn,
            health.FramesPerSecondAnalysed,
            health.FramesDropped,
            health.Reconnects,
            health.LastFrameAt,
            health.LastError,
            health.LastErrorAt)).ToList();

    public Task<byte[]?> GetLatestJpegAsync(string cameraName, CancellationToken cancellationToken) =>
        snapshots.GetLatestJpegAsync(cameraName, cancellationToken);
}
