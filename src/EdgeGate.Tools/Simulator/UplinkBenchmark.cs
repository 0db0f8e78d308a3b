using System.Diagnostics;
using EdgeGate.Devices.Mqtt;
using EdgeGate.Tools.Demo;
using EdgeGate.Uplink;
using EdgeGate.Storage;
using EdgeGate.Storage.Journal;
using EdgeGate.Storage.Privacy;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGate.Tools.Simulator;

/// <summary>What one catch-up run measured.</summary>
public sealed record UplinkBenchmarkResult(
    int Events,
    TimeSpan JournalTime,
    TimeSpan CatchUpTime,
    double EventsPerSecond,
    long Duplicates,
    long OutOfOrder,
    bool Complete);

/// <summary>
/// Catch-up after an outage: journals N events while offline, then connects the uplink to a local
/// mosquitto with a <see cref="PlatformSimulator"/> and measures until the platform acknowledged all
/// of them, checking that every seq arrived and in order.
/// </summary>
public static class UplinkBenchmark
{
    public static async Task<UplinkBenchmarkResult> RunAsync(int events, int window, int batchSize, string? mosquittoPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(events, 1);
        var directory = Directory.CreateTempSubdirectory("edgegate-bench-uplink-").FullName;
        DemoPeer? broker = null;
        try
        {
            var port = DemoPeer.FreeTcpPort();
            broker = await DemoPeer.StartMosquittoAsync(Path.Combine(directory, "mosquitto"), port, cancellationToken, mosquittoPath).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"mosquitto is not installed{(mosquittoPath is null ? "" : $" at {mosquittoPath}")} (apt-get install mosquitto)");

            using var key = new TemplateKey(new byte[TemplateKey.LengthBytes]);
            await using var database = EdgeGateDatabase.Open(
                new StorageOptions { DatabasePath = Path.Combine(directory, "edgegate.db"), JournalMaximumRows = Math.Max(1_000_000, events * 2L) }, key);
            var journalClock = Stopwatch.StartNew();
            for (var start = 0; start < events; start += 1000)
            {
                var drafts = Enumerable.Range(start, Math.Min(1000, events - start))
                    .Select(i => new JournalDraft(JournalLane.Event, "access_granted", DateTimeOffset.UtcNow,
                        $"{{\"door\":\"gate-1\",\"person\":\"p-{i % 500}\",\"reason\":\"GRANTED_FACE\",\"score\":0.62}}"))
                    .ToList();
                await database.Journal.AppendBatchAsync(drafts, cancellationToken).ConfigureAwait(false);
            }
            journalClock.Stop();

            var topics = new UplinkTopics("bench-site", "bench-gw");
            MqttClientOptions Options(string id) => new() { Host = "127.0.0.1", Port = port, ClientId = id, OperationTimeout = TimeSpan.FromSeconds(10) };
            await using var platformClient = new SupervisedMqttClient(Options("bench-platform"));
            await platformClient.ConnectAsync(cancellationToken).ConfigureAwait(false);
            await using var platform = new PlatformSimulator(platformClient, topics.SiteId, topics.GatewayId, new PlatformSimulatorOptions { KeepData = false });
            await platform.StartAsync(cancellationToken).ConfigureAwait(false);

            await using var gatewayClient = new SupervisedMqttClient(Options("bench-gateway"));
            var session = new UplinkSession(gatewayClient, database, topics,
                new UplinkSessionOptions { Window = window, BatchSize = batchSize, AckTimeout = TimeSpan.FromSeconds(10), PollInterval = TimeSpan.FromMilliseconds(50) },
                dispatcher: null, TimeProvider.System, NullLogger<UplinkSession>.Instance);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var catchUpClock = Stopwatch.StartNew();
            await gatewayClient.ConnectAsync(cancellationToken).ConfigureAwait(false);
            var running = session.RunAsync(stop.Token);
            var complete = true;
            try
            {
                await platform.WaitForAckAsync(events, timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                complete = false;
            }
            catchUpClock.Stop();
            await stop.CancelAsync().ConfigureAwait(false);
            await running.ConfigureAwait(false);

            var received = platform.Events();
            complete &= received.Count == events && received[^1].Seq == events;
            var delivered = Math.Min(platform.Ack, events);
            return new UplinkBenchmarkResult(
                events,
                journalClock.Elapsed,
                catchUpClock.Elapsed,
                delivered / catchUpClock.Elapsed.TotalSeconds,
                platform.Duplicates,
                platform.OutOfOrderArrivals,
                complete);
        }
        finally
        {
            broker?.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }
}
