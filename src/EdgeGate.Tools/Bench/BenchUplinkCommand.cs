using System.CommandLine;
using System.Globalization;
using EdgeGate.Tools.Simulator;

namespace EdgeGate.Tools.Bench;

/// <summary>
/// <c>edgegate bench uplink</c>: catch-up throughput after an outage — N journaled events sent to a
/// local mosquitto and a platform simulator until all are acknowledged end to end, in order.
/// </summary>
public static class BenchUplinkCommand
{
    public static Command Create()
    {
        var events = new Option<int>("--events") { Description = "events journaled during the outage", DefaultValueFactory = _ => 100_000 };
        var window = new Option<int>("--window") { Description = "events in flight beyond the last end-to-end ack", DefaultValueFactory = _ => 1000 };
        var batch = new Option<int>("--batch") { Description = "journal rows read and published per batch", DefaultValueFactory = _ => 250 };
        var mosquitto = new Option<string?>("--mosquitto") { Description = "the mosquitto broker executable (default /usr/sbin/mosquitto)" };
        var timeoutSeconds = new Option<int>("--timeout") { Description = "give up after this many seconds", DefaultValueFactory = _ => 300 };
        foreach (var option in new[] { events, window, batch, timeoutSeconds })
        {
            option.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() < 1)
                {
                    result.AddError($"{result.Option.Name} must be at least 1");
                }
            });
        }
        var command = new Command("uplink", "catch-up throughput of the uplink after an outage (local mosquitto + platform simulator)")
        {
            events, window, batch, mosquitto, timeoutSeconds,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var result = await UplinkBenchmark.RunAsync(
                parseResult.GetValue(events), parseResult.GetValue(window), parseResult.GetValue(batch),
                parseResult.GetValue(mosquitto), TimeSpan.FromSeconds(parseResult.GetValue(timeoutSeconds)), cancellationToken).ConfigureAwait(false);
            var culture = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(culture, $"journaled {result.Events} events in {result.JournalTime.TotalSeconds:0.00} s ({result.Events / result.JournalTime.TotalSeconds:0} events/s, batches of 1000)"));
            Console.WriteLine(string.Create(culture, $"caught up in {result.CatchUpTime.TotalSeconds:0.00} s: {result.EventsPerSecond:0} events/s acknowledged end to end"));
            Console.WriteLine(string.Create(culture, $"complete and in order: {(result.Complete && result.OutOfOrder == 0 ? "yes" : "NO")} (duplicates {result.Duplicates}, out of order {result.OutOfOrder})"));
            return result.Complete && result.OutOfOrder == 0 ? 0 : 1;
        });
        return command;
    }
}
