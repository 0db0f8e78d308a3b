using EdgeGate.Tools.Simulator;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Uplink;

public sealed class UplinkBenchmarkTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Catch_up_delivers_a_backlog_completely_and_in_order()
    {
        // EDGEGATE_BENCH_UPLINK_EVENTS=100000 runs the full-size benchmark (as `edgegate bench uplink` does).
        var events = int.TryParse(Environment.GetEnvironmentVariable("EDGEGATE_BENCH_UPLINK_EVENTS"), out var configured) ? configured : 20_000;
        var result = await UplinkBenchmark.RunAsync(events, window: 1000, batchSize: 250, mosquittoPath: null, TimeSpan.FromSeconds(Math.Max(40, events / 1000)), CancellationToken.None);

        output.WriteLine($"{result.Events} events caught up in {result.CatchUpTime.TotalSeconds:0.00} s = {result.EventsPerSecond:0} events/s, duplicates {result.Duplicates}");
        Assert.True(result.Complete);
        Assert.Equal(0, result.OutOfOrder);
        Assert.True(result.EventsPerSecond > 1000, $"{result.EventsPerSecond:0} events/s");
    }
}
