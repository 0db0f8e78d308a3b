using System.Globalization;
using EdgeGate.Tools.Simulator;
using EdgeGate.TestSupport.Peers;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Uplink;

/// <summary>
/// The fault tests: broker SIGKILLs and restarts, the gateway process itself SIGKILLed
/// mid-stream, offline cycles. Every seq must reach the platform; duplicates are normal and counted.
/// </summary>
public sealed class UplinkFaultTests(ITestOutputHelper output)
{
    private const int Total = 20_000;

    [Fact]
    public async Task Twenty_thousand_events_survive_broker_and_gateway_sigkills()
    {
        using var broker = await MosquittoBroker.StartAsync();
        var directory = Directory.CreateTempSubdirectory("edgegate-chaos-").FullName;
        await using var platformClient = new Devices.Mqtt.SupervisedMqttClient(UplinkTestBed.ClientOptions(broker.Port, "pf-chaos"));
        await using var platform = new PlatformSimulator(platformClient, UplinkTestBed.Site, UplinkTestBed.Gateway);
        PeerProcess? gateway = null;
        var states = new List<string>();
        try
        {
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
            {
                await platformClient.ConnectAsync(timeout.Token);
                await platform.StartAsync(timeout.Token);
            }
            gateway = StartGateway(broker, directory);
            var started = DateTime.UtcNow;

            await WaitRecordedAsync(gateway, 4000);
            broker.Kill();
            // The gateway keeps journaling while the broker is gone.
            await WaitRecordedAsync(gateway, Math.Min(Total, LastRecorded(gateway.Output) + 250));
            await broker.RestartAsync();

            // The will is only published for a live connection: make sure the gateway is back first.
            var recordedAtRestart = LastRecorded(gateway.Output);
            await WaitRecordedAsync(gateway, Math.Max(8000, recordedAtRestart + 250));
            await platform.WaitForAckAsync(recordedAtRestart + 250, TimeSpan.FromSeconds(60));
            gateway.Kill();
            gateway.Dispose();
            await UplinkDeliveryTests.WaitUntilAsync(() => Task.FromResult(platform.LastState?.Contains("offline", StringComparison.Ordinal) == true),
                "the broker published the gateway's last will");
            states.Add(platform.LastState!);
            gateway = StartGateway(broker, directory);

            await WaitRecordedAsync(gateway, 12_000);
            broker.Kill();
            await WaitRecordedAsync(gateway, Math.Min(Total, LastRecorded(gateway.Output) + 500));
            await broker.RestartAsync();

            await WaitRecordedAsync(gateway, 16_000);
            gateway.Kill();
            gateway.Dispose();
            broker.Kill();
            await Quiet.ForAsync(TimeSpan.FromMilliseconds(500), "an outage of the broker and the gateway");
            await broker.RestartAsync();
            gateway = StartGateway(broker, directory);

            await gateway.WaitForOutputAsync("PRODUCED", TimeSpan.FromSeconds(60));
            broker.Kill();
            await Quiet.ForAsync(TimeSpan.FromMilliseconds(500), "an outage of the broker");
            await broker.RestartAsync();

            await platform.WaitForAckAsync(Total, TimeSpan.FromSeconds(90));
            var elapsed = DateTime.UtcNow - started;

            var events = platform.Events();
            Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i), events.Select(e => e.Seq));
            Assert.All(events, e => Assert.Equal(e.Seq % 50 == 0 ? "alert" : "event", e.Lane));
            Assert.All(events.Where(e => e.Lane == "event"), e => Assert.Equal(e.Seq - 1, e.PreviousSeq));
            output.WriteLine(
                $"{Total} events in {elapsed.TotalSeconds:0.0} s with 4 broker SIGKILLs and 2 gateway SIGKILLs: " +
                $"all {events.Count} seqs present, {platform.Duplicates} duplicates, {platform.OutOfOrderArrivals} routine events first arrived out of seq order; will seen: {states[0]}");
            // In order after dedupe: the platform's ack only moves along each row's prev link, so what it
            // has acknowledged is the gap-free seq prefix; first copies may arrive out of order after a
            // broker crash (the rewind resends what was in flight when the connection dropped), which is reported.
            Assert.Equal(Total, platform.Ack);
        }
        finally
        {
            gateway?.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Offline_cycles_deliver_everything_in_order()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var bed = await UplinkTestBed.StartAsync(broker);
        using var producing = new CancellationTokenSource();
        long last = 0;
        var producer = Task.Run(async () =>
        {
            while (!producing.IsCancellationRequested)
            {
                Volatile.Write(ref last, (await bed.JournalAsync(100))[^1]);
                await Task.Delay(50); // the producer's pace
            }
        });

        await Eventually.UntilAsync(() => Volatile.Read(ref last) > 0, TimeSpan.FromSeconds(40), "the first batch journaled");
        for (var cycle = 0; cycle < 5; cycle++)
        {
            // Online until the platform has everything journaled so far, then offline while 20 more batches are journaled.
            var journaled = Volatile.Read(ref last);
            await Eventually.UntilAsync(() => bed.Platform.Ack >= journaled, TimeSpan.FromSeconds(40), $"the platform to acknowledge seq {journaled}");
            broker.Kill();
            var atKill = Volatile.Read(ref last);
            await Eventually.UntilAsync(() => Volatile.Read(ref last) >= atKill + 2000, TimeSpan.FromSeconds(40), "20 batches journaled while offline");
            await broker.RestartAsync();
        }
        await producing.CancelAsync();
        await producer;
        await bed.Platform.WaitForAckAsync(last, TimeSpan.FromSeconds(40));

        var events = bed.Platform.Events();
        Assert.Equal(Enumerable.Range(1, (int)last).Select(i => (long)i), events.Select(e => e.Seq));
        output.WriteLine($"{last} events over 5 offline cycles: {bed.Platform.Duplicates} duplicates, {bed.Session.Counters.Rewinds} rewinds, {bed.Platform.OutOfOrderArrivals} out-of-order first arrivals");
        Assert.Equal(last, bed.Platform.Ack);
        // In order after dedupe: every stored row names the row just before it, so the platform can
        // process them in seq order however the first copies interleaved.
        Assert.All(events, e => Assert.Equal(e.Seq - 1, e.PreviousSeq));
    }

    private static PeerProcess StartGateway(MosquittoBroker broker, string directory)
    {
        var program = Path.Combine(AppContext.BaseDirectory, "EdgeGate.Uplink.Chaos.dll");
        return PeerProcess.Start("dotnet",
        [
            program, Path.Combine(directory, "edgegate.db"), Path.Combine(directory, "credentials"),
            broker.Port.ToString(CultureInfo.InvariantCulture), UplinkTestBed.Site, UplinkTestBed.Gateway,
            Total.ToString(CultureInfo.InvariantCulture), "250", "40",
        ]);
    }

    private static Task WaitRecordedAsync(PeerProcess gateway, long seq)
        => Eventually.UntilAsync(
            () =>
            {
                if (LastRecorded(gateway.Output) >= seq)
                {
                    return true;
                }
                return gateway.HasExited
                    ? throw new InvalidOperationException($"the gateway exited before recording seq {seq}:\n{gateway.Output}")
                    : false;
            },
            TimeSpan.FromSeconds(60),
            $"the gateway to record seq {seq}",
            () => gateway.Output);

    /// <summary>
    /// The highest seq the gateway reported as recorded: "RECORDED n" after each batch, or
    /// "READY n" at start (a fast machine may have recorded everything before a restart).
    /// </summary>
    private static long LastRecorded(string text) => Math.Max(LastNumberAfter(text, "RECORDED "), LastNumberAfter(text, "READY "));

    private static long LastNumberAfter(string text, string marker)
    {
        var index = text.LastIndexOf(marker, StringComparison.Ordinal);
        if (index < 0)
        {
            return 0;
        }
        var end = text.IndexOf('\n', index);
        return end < 0 ? 0 : long.Parse(text.AsSpan(index + marker.Length, end - index - marker.Length).Trim(), CultureInfo.InvariantCulture);
    }
}
