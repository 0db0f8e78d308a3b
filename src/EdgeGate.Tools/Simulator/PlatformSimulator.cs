using System.Collections.Concurrent;
using System.Text.Json;
using EdgeGate.Devices.Mqtt;
using EdgeGate.Uplink;

namespace EdgeGate.Tools.Simulator;

/// <summary>One event as the platform stored it (first copy only).</summary>
public sealed record ReceivedEvent(long Seq, long? PreviousSeq, string Lane, string Type, string? DataJson);

/// <summary>One answer read from cmd-result.</summary>
public sealed record ReceivedCommandResult(string? Id, string Command, bool Ok, string? Code, string? Message, bool Replay, string Json);

public sealed class PlatformSimulatorOptions
{
    /// <summary>How often the cumulative ack is published when it moved or a duplicate arrived.</summary>
    public TimeSpan AckInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Keep each event's data JSON (off for large benchmarks).</summary>
    public bool KeepData { get; init; } = true;

    /// <summary>Keep the order in which seqs first arrived (for ordering checks).</summary>
    public bool KeepArrivalOrder { get; init; } = true;
}

/// <summary>
/// A platform stand-in for tests, the demo and the uplink benchmark, speaking docs/protocol.md over a
/// caller-owned <see cref="IMqttClient"/>: stores events deduplicated by seq, computes the cumulative
/// ack by following each row's <c>prev</c> link, publishes it retained, sends commands and collects
/// their results and the gateway's state and gallery requests.
/// </summary>
public sealed class PlatformSimulator : IAsyncDisposable
{
    private readonly IMqttClient client;
    private readonly UplinkTopics topics;
    private readonly PlatformSimulatorOptions options;
    private readonly Lock gate = new();
    private readonly Dictionary<long, ReceivedEvent> events = [];
    private readonly SortedDictionary<long, long> chain = [];
    private readonly List<long> arrivalOrder = [];
    private readonly ConcurrentQueue<ReceivedCommandResult> results = new();
    private readonly ConcurrentQueue<long> galleryRequests = new();
    private readonly CancellationTokenSource stop = new();
    private long ack;
    private long publishedAck = -1;
    private bool reAck;
    private long duplicates;
    private long outOfOrder;
    private long highestFirstArrival;
    private string? lastState;
    private Task? receiving;
    private Task? acking;

    public PlatformSimulator(IMqttClient client, string siteId, string gatewayId, PlatformSimulatorOptions? options = null)
    {
        this.client = client;
        topics = new UplinkTopics(siteId, gatewayId);
        this.options = options ?? new PlatformSimulatorOptions();
    }

    public UplinkTopics Topics => topics;

    /// <summary>Highest seq up to which every row is accounted for (received, or absent from the gateway's journal).</summary>
    public long Ack { get { lock (gate) { return ack; } } }

    public int DistinctEvents { get { lock (gate) { return events.Count; } } }

    /// <summary>Copies of rows received again (rewinds, alerts sent ahead, redeliveries).</summary>
    public long Duplicates => Interlocked.Read(ref duplicates);

    /// <summary>Routine events whose first copy arrived after a higher routine event's first copy (alerts, sent ahead by design, are not counted).</summary>
    public long OutOfOrderArrivals => Interlocked.Read(ref outOfOrder);

    public string? LastState { get { lock (gate) { return lastState; } } }

    public IReadOnlyCollection<ReceivedCommandResult> CommandResults => results.ToArray();

    public IReadOnlyCollection<long> GalleryRequests => galleryRequests.ToArray();

    public IReadOnlyList<ReceivedEvent> Events()
    {
        lock (gate)
        {
            return events.Values.OrderBy(e => e.Seq).ToArray();
        }
    }

    public IReadOnlyList<long> ArrivalOrder()
    {
        lock (gate)
        {
            return arrivalOrder.ToArray();
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        client.ConnectionStateChanged += OnConnectionStateChanged;
        // Alerts before events: a gateway that publishes while these subscriptions are being made
        // must not appear to have sent its routine events ahead of its alerts.
        foreach (var topic in new[] { topics.Alerts, topics.Events, topics.State, topics.CommandResult, topics.GalleryRequest })
        {
            await client.SubscribeAsync(topic, MqttQualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false);
        }
        receiving = Task.Run(() => ReceiveAsync(stop.Token), CancellationToken.None);
        acking = Task.Run(() => AckAsync(stop.Token), CancellationToken.None);
    }

    /// <summary>Publishes a command (QoS 1, never retained).</summary>
    public Task SendCommandAsync(string name, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        client.PublishAsync(topics.Command(name), payload, MqttQualityOfService.AtLeastOnce, retain: false, cancellationToken);

    public Task SendCommandAsync(string name, string json, CancellationToken cancellationToken) =>
        SendCommandAsync(name, System.Text.Encoding.UTF8.GetBytes(json), cancellationToken);

    /// <summary>Waits until <see cref="Ack"/> reaches <paramref name="seq"/>; throws <see cref="TimeoutException"/> with the progress.</summary>
    public async Task WaitForAckAsync(long seq, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Ack < seq)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the platform's ack is {Ack}, expected {seq} within {timeout.TotalSeconds:0} s ({DistinctEvents} distinct events, {Duplicates} duplicates)");
            }
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until <paramref name="count"/> command results arrived.</summary>
    public async Task WaitForCommandResultsAsync(int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (results.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{results.Count} command results, expected {count} within {timeout.TotalSeconds:0} s");
            }
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        client.ConnectionStateChanged -= OnConnectionStateChanged;
        await stop.CancelAsync().ConfigureAwait(false);
        foreach (var task in new[] { receiving, acking })
        {
            if (task is not null)
            {
                try
                {
                    await task.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
        stop.Dispose();
    }

    private void OnConnectionStateChanged(object? sender, MqttConnectionStateChangedEventArgs change)
    {
        if (change.State == MqttConnectionState.Connected)
        {
            lock (gate)
            {
                reAck = true;
            }
        }
    }

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        await foreach (var message in client.Messages.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (message.Topic == topics.Events || message.Topic == topics.Alerts)
            {
                Store(message.Payload);
            }
            else if (message.Topic == topics.CommandResult)
            {
                results.Enqueue(ReadResult(message.Payload));
            }
            else if (message.Topic == topics.State)
            {
                lock (gate)
                {
                    lastState = System.Text.Encoding.UTF8.GetString(message.Payload.Span);
                }
            }
            else if (message.Topic == topics.GalleryRequest)
            {
                using var document = JsonDocument.Parse(message.Payload);
                galleryRequests.Enqueue(document.RootElement.GetProperty("version").GetInt64());
            }
        }
    }

    private void Store(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        var seq = root.GetProperty("seq").GetInt64();
        var previousElement = root.GetProperty("prev");
        long? previous = previousElement.ValueKind == JsonValueKind.Null ? null : previousElement.GetInt64();
        lock (gate)
        {
            if (events.ContainsKey(seq))
            {
                Interlocked.Increment(ref duplicates);
                reAck = true;
            }
            else
            {
                events[seq] = new ReceivedEvent(
                    seq,
                    previous,
                    root.GetProperty("lane").GetString()!,
                    root.GetProperty("type").GetString()!,
                    options.KeepData ? root.GetProperty("data").GetRawText() : null);
                if (options.KeepArrivalOrder)
                {
                    arrivalOrder.Add(seq);
                }
                if (events[seq].Lane == "event")
                {
                    if (seq < highestFirstArrival)
                    {
                        Interlocked.Increment(ref outOfOrder);
                    }
                    highestFirstArrival = Math.Max(highestFirstArrival, seq);
                }
            }
            if (previous is { } link && seq > ack)
            {
                chain[seq] = link;
                // Follow the links: a row whose predecessor is already accounted for extends the ack.
                while (chain.Count > 0)
                {
                    var (next, before) = chain.First();
                    if (next <= ack)
                    {
                        chain.Remove(next);
                    }
                    else if (before <= ack)
                    {
                        ack = next;
                        chain.Remove(next);
                    }
                    else
                    {
                        break;
                    }
                }
            }
        }
    }

    private static ReceivedCommandResult ReadResult(ReadOnlyMemory<byte> payload)
    {
        var json = System.Text.Encoding.UTF8.GetString(payload.Span);
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        var id = root.GetProperty("id");
        return new ReceivedCommandResult(
            id.ValueKind == JsonValueKind.String ? id.GetString() : null,
            root.GetProperty("command").GetString()!,
            root.GetProperty("ok").GetBoolean(),
            root.TryGetProperty("code", out var code) ? code.GetString() : null,
            root.TryGetProperty("message", out var message) ? message.GetString() : null,
            root.TryGetProperty("replay", out var replay) && replay.GetBoolean(),
            json);
    }

    private async Task AckAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.AckInterval);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            long current;
            lock (gate)
            {
                current = ack;
                if (current == publishedAck && !reAck)
                {
                    continue;
                }
                reAck = false;
            }
            if (!client.IsConnected)
            {
                lock (gate)
                {
                    reAck = true;
                }
                continue;
            }
            try
            {
                await client.PublishAsync(topics.Ack, UplinkMessages.Ack(current), MqttQualityOfService.AtLeastOnce, retain: true, cancellationToken).ConfigureAwait(false);
                publishedAck = current;
            }
            catch (MqttException)
            {
                lock (gate)
                {
                    reAck = true;
                }
            }
        }
    }
}
