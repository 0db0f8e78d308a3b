using System.Threading.Channels;
using EdgeGate.Core.Access;
using EdgeGate.Api;
using EdgeGate.Access;

namespace EdgeGate.Gateway.Tests.Api;

/// <summary>
/// A working in-memory decision broadcast the test drives: <see cref="Publish"/> keeps a bounded recent
/// window and hands each decision to every current subscriber.
/// </summary>
public sealed class TestDecisionFeed : IDecisionFeed
{
    private const int RecentCapacity = 200;
    private readonly Lock gate = new();
    private readonly List<AccessDecision> recent = [];
    private readonly List<Channel<AccessDecision>> subscribers = [];
    private TaskCompletionSource subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<AccessDecision> Recent
    {
        get
        {
            lock (gate)
            {
                return recent.ToArray();
            }
        }
    }

    public int SubscriberCount
    {
        get
        {
            lock (gate)
            {
                return subscribers.Count;
            }
        }
    }

    public void Publish(AccessDecision decision)
    {
        lock (gate)
        {
            recent.Add(decision);
            if (recent.Count > RecentCapacity)
            {
                recent.RemoveAt(0);
            }
            foreach (var subscriber in subscribers)
            {
                subscriber.Writer.TryWrite(decision);
            }
        }
    }

    /// <summary>Completes when at least one subscriber is listening.</summary>
    public Task WaitForSubscriberAsync(TimeSpan timeout)
    {
        lock (gate)
        {
            return (subscribers.Count > 0 ? Task.CompletedTask : subscribed.Task).WaitAsync(timeout);
        }
    }

    public async IAsyncEnumerable<AccessDecision> SubscribeAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<AccessDecision>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (gate)
        {
            subscribers.Add(channel);
            subscribed.TrySetResult();
        }
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var decision))
                {
                    yield return decision;
                }
            }
        }
        finally
        {
            lock (gate)
            {
                subscribers.Remove(channel);
                if (subscribers.Count == 0)
                {
                    subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }
    }
}

/// <summary>Camera health and frames set by the test.</summary>
public sealed class TestCameraStatus : ICameraStatus
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, (CameraHealthView Health, byte[]? Jpeg)> cameras = new(StringComparer.Ordinal);

    public void Set(CameraHealthView health, byte[]? jpeg)
    {
        lock (gate)
        {
            cameras[health.Name] = (health, jpeg);
        }
    }

    public IReadOnlyList<CameraHealthView> Snapshot()
    {
        lock (gate)
        {
            return cameras.Values.Select(camera => camera.Health).OrderBy(health => health.Name, StringComparer.Ordinal).ToArray();
        }
    }

    public Task<byte[]?> GetLatestJpegAsync(string cameraName, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(cameras.TryGetValue(cameraName, out var camera) ? camera.Jpeg : null);
        }
    }
}

/// <summary>Records remote unlock requests and answers with <see cref="NextStatus"/>.</summary>
public sealed class RecordingRemoteUnlock(TimeProvider timeProvider) : IRemoteUnlock
{
    private readonly List<(string Door, string Operator, string Reason)> requests = [];
    private readonly Lock gate = new();

    public RemoteUnlockStatus NextStatus { get; set; } = RemoteUnlockStatus.Unlocked;

    public IReadOnlyList<(string Door, string Operator, string Reason)> Requests
    {
        get
        {
            lock (gate)
            {
                return requests.ToArray();
            }
        }
    }

    public ValueTask<RemoteUnlockResult> RequestAsync(string doorName, string operatorId, string reason, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            requests.Add((doorName, operatorId, reason));
        }
        var granted = NextStatus is RemoteUnlockStatus.Unlocked or RemoteUnlockStatus.DoorNotResponding;
        var decision = new AccessDecision
        {
            Outcome = granted ? AccessOutcome.Granted : AccessOutcome.Denied,
            Reason = granted ? AccessReason.GrantedRemote : AccessReason.DeniedDoorDisabled,
            Message = granted ? "Opened remotely" : "This door is out of service",
            Credential = new RemoteCredential(operatorId, reason),
            DoorId = doorName,
            At = timeProvider.GetUtcNow(),
        };
        var message = NextStatus switch
        {
            RemoteUnlockStatus.Unlocked => "The door was released.",
            RemoteUnlockStatus.Denied => "This door is out of service.",
            RemoteUnlockStatus.DoorNotResponding => "The door's relay did not answer in time.",
            _ => "No such door.",
        };
        return ValueTask.FromResult(new RemoteUnlockResult(NextStatus, message, decision));
    }
}
