using System.Threading.Channels;
using EdgeGate.Core.Access;

namespace EdgeGate.Access;

/// <summary>
/// The hand-off into the decision stage: face candidates, card reads, remote unlocks and exit
/// buttons. It never drops an attempt: it is bounded only to keep memory finite, and a writer facing
/// a full queue waits (a queue that full means the journal is stalling, and waiting is right).
/// </summary>
public sealed class AccessAttemptQueue
{
    /// <summary>Attempts that may wait for the decision stage before writers wait.</summary>
    public const int Capacity = 1024;

    private readonly Channel<AccessAttempt> channel = Channel.CreateBounded<AccessAttempt>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    /// <summary>Read by <see cref="DecisionService"/> only.</summary>
    public ChannelReader<AccessAttempt> Reader => channel.Reader;

    /// <summary>For stages that pump their own channel into this one.</summary>
    public ChannelWriter<AccessAttempt> Writer => channel.Writer;

    /// <summary>Queues an attempt, waiting while the queue is full.</summary>
    public ValueTask SubmitAsync(AccessAttempt attempt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return channel.Writer.WriteAsync(attempt, cancellationToken);
    }

    /// <summary>No more attempts will come (shutdown): the decision stage finishes what is queued.</summary>
    public void Complete() => channel.Writer.TryComplete();
}
