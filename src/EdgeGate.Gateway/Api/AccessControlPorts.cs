using System.Runtime.CompilerServices;
using EdgeGate.Core.Access;
using EdgeGate.Gateway.Access;

namespace EdgeGate.Gateway.Api;

/// <summary>The decision stage's <see cref="DecisionFeed"/> as the API sees it: decisions only, no door outcomes.</summary>
public sealed class AccessDecisionFeed(DecisionFeed feed) : IDecisionFeed
{
    public IReadOnlyList<AccessDecision> Recent =>
        feed.Recent.OfType<DecisionMade>().Select(made => made.Decision).ToArray();

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
/// Remote unlock through the decision stage: the request goes into the <see cref="AccessAttemptQueue"/>
/// like any credential (policy, journal, door queue), and the answer is read back from the
/// <see cref="DecisionFeed"/>: the decision, then the door's outcome for that attempt.
/// </summary>
public sealed class QueuedRemoteUnlock(AccessAttemptQueue attempts, DecisionFeed feed, DoorRequestQueues doors, TimeProvider timeProvider)
    : IRemoteUnlock
{
    /// <summary>How long to wait for the decision and the door's confirmation together.</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);

    public async ValueTask<RemoteUnlockResult> RequestAsync(string doorName, string operatorId, string reason, CancellationToken cancellationToken)
    {
        var name = doors.DoorNames.FirstOrDefault(door => string.Equals(door, doorName, StringComparison.OrdinalIgnoreCase));
        if (name is null)
        {
            return new RemoteUnlockResult(RemoteUnlockStatus.UnknownDoor, $"no door named '{doorName}'");
        }
        // Subscribed before submitting, so the answer cannot pass by unseen.
        using var subscription = feed.Subscribe();
        var attempt = AccessAttempt.ForRemote(operatorId, reason, name, timeProvider.GetUtcNow());
        using var timeout = new CancellationTokenSource(AnswerTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        AccessDecision? decision = null;
        try
        {
            await attempts.SubmitAsync(attempt, linked.Token).ConfigureAwait(false);
            await foreach (var item in subscription.Reader.ReadAllAsync(linked.Token).ConfigureAwait(false))
            {
                switch (item)
                {
                    case DecisionMade made when made.Attempt.Id == attempt.Id:
                        decision = made.Decision;
                        if (!decision.Granted)
                        {
                            return new RemoteUnlockResult(RemoteUnlockStatus.Denied, decision.Message, decision);
                        }
                        if (made.Seq is null)
                        {
                            return new RemoteUnlockResult(
                                RemoteUnlockStatus.Denied,
                                $"the unlock could not be journaled ({made.JournalError}); the door was not opened",
                                decision);
                        }
                        break;
                    case DoorOperated operated when operated.Command.AttemptId == attempt.Id:
                        return operated.Outcome.IsDone
                            ? new RemoteUnlockResult(RemoteUnlockStatus.Unlocked, $"The door was released ({operated.Outcome.Describe()}).", decision)
                            : new RemoteUnlockResult(RemoteUnlockStatus.DoorNotResponding, $"The door did not confirm: {operated.Outcome.Describe()}.", decision);
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Fall through to the answer below.
        }
        return new RemoteUnlockResult(
            RemoteUnlockStatus.DoorNotResponding,
            decision is null
                ? $"the decision stage did not answer within {AnswerTimeout.TotalSeconds:0} s"
                : $"granted, but the door did not confirm within {AnswerTimeout.TotalSeconds:0} s",
            decision);
    }
}
