using System.Threading.Channels;
using EdgeGate.Core.Access;
using EdgeGate.Core.Doors;

namespace EdgeGate.Access;

/// <summary>Something the decision stage did, as the console and demo output show it.</summary>
public abstract record DecisionFeedItem
{
    private protected DecisionFeedItem()
    {
    }
}

/// <summary>
/// A decision, after it was journaled (<see cref="Seq"/>), or a suppressed repeat (not journaled,
/// <see cref="Seq"/> null). <see cref="JournalError"/> is set when the journal write failed.
/// </summary>
public sealed record DecisionMade(AccessAttempt Attempt, AccessDecision Decision, long? Seq, string? JournalError = null)
    : DecisionFeedItem;

/// <summary>A door command carried out (or not), with the journal seq of its outcome record.</summary>
public sealed record DoorOperated(string DoorName, DoorRequest Command, DoorCommandOutcome Outcome, TimeSpan Took, long? Seq)
    : DecisionFeedItem;

/// <summary>
/// A door contact alarm raised (<see cref="DoorInputEvent.AlarmRaised"/>) or cleared
/// (<see cref="DoorInputEvent.AlarmCleared"/>), with the journal seq of its record.
/// </summary>
public sealed record DoorAlarmChanged(string DoorName, DoorInputEvent Change, long? Seq) : DecisionFeedItem;

/// <summary>
/// An in-memory broadcast of recent decisions and door outcomes. Subscribers get their own bounded
/// channel that drops its oldest items when they fall behind: the feed is a view; the journal is
/// the record. The last <see cref="RecentCapacity"/> items are kept for late subscribers.
/// </summary>
public sealed class DecisionFeed
{
    public const int RecentCapacity = 200;
    public const int SubscriberCapacity = 256;

    private readonly Lock gate = new();
    private readonly LinkedList<DecisionFeedItem> recent = new();
    private readonly List<Channel<DecisionFeedItem>> subscribers = [];

    /// <summary>The most recent items, oldest first.</summary>
    public IReadOnlyList<DecisionFeedItem> Recent
    {
        get
        {
            lock (gate)
            {
                return recent.ToArray();
            }
        }
    }

    public void Publish(DecisionFeedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (gate)
        {
            recent.AddLast(item);
            while (recent.Count > RecentCapacity)
            {
                recent.RemoveFirst();
            }
            foreach (var subscriber in subscribers)
            {
                subscriber.Writer.TryWrite(item);
            }
        }
    }

    /// <summary>Follows the feed from now on; dispose the subscription to stop.</summary>
    public DecisionFeedSubscription Subscribe()
    {
        var channel = Channel.CreateBounded<DecisionFeedItem>(
            new BoundedChannelOptions(SubscriberCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (gate)
        {
            subscribers.Add(channel);
        }
        return new DecisionFeedSubscription(channel.Reader, () =>
        {
            lock (gate)
            {
                subscribers.Remove(channel);
            }
            channel.Writer.TryComplete();
        });
    }
}

/// <summary>One subscriber's view of the <see cref="DecisionFeed"/>.</summary>
public sealed class DecisionFeedSubscription(ChannelReader<DecisionFeedItem> reader, Action unsubscribe) : IDisposable
{
    private int disposed;

    public ChannelReader<DecisionFeedItem> Reader => reader;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            unsubscribe();
        }
    }
}
