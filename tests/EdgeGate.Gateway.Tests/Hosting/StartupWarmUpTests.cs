using System.Diagnostics;
using EdgeGate.Core.Access;
using EdgeGate.Gateway.Tests.Uplink;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using EdgeGate.Access;

namespace EdgeGate.Gateway.Tests.Hosting;

/// <summary>
/// The gateway reports ready (its start completes; <c>edgegate run</c> sends READY=1 then) only after
/// each part has warmed up: the relay board was asked for its state over its real line, the
/// database was written, the decision path rehearsed. The first grant then needs nothing more.
/// </summary>
[Collection(CardGateCollection.Name)]
public sealed class StartupWarmUpTests(CardGatePeers peers) : IClassFixture<CardGatePeers>
{
    [Fact]
    public async Task The_gateway_reports_ready_only_after_every_part_warmed_up_and_the_first_grant_needs_no_more()
    {
        var readsBefore = peers.Relay.Reads.Count;
        var ready = new ReadyMoment();
        await using var gate = await CardGate.StartAsync(peers, "warm-up", services: services => services.AddSingleton<ILoggerProvider>(ready));

        // The host's start is over: the warm-up reported ready, after the relay board answered a read of its coil.
        var readyAt = Assert.IsType<double>(ready.Seconds);
        var warmUpRead = Assert.Single(peers.Relay.Reads.Skip(readsBefore), read => read.FunctionCode == 1 && read.Address == 0);
        Assert.True(warmUpRead.MonotonicSeconds < readyAt, $"the coil was read at {warmUpRead.MonotonicSeconds:F3} s, ready reported at {readyAt:F3} s");
        var lines = gate.Logs.Lines.Select(line => (line.EventId, line.Message)).ToList();
        var readyLine = lines.FindIndex(line => line.EventId == 9103);
        foreach (var part in StartupWarmUp.PartsFor([CardGate.DoorName]))
        {
            var partLine = lines.FindIndex(line => line.EventId == 9101 && line.Message.StartsWith($"Warm-up: {part} ready", StringComparison.Ordinal));
            Assert.True(partLine >= 0 && partLine < readyLine, $"'{part}' warmed up at line {partLine}, ready reported at line {readyLine}");
        }
        Assert.DoesNotContain(lines, line => line.EventId is 9102 or 9104);

        // The first grant: the relay goes ON and OFF, with no other request to the board in between.
        var made = await gate.SwipeAsync(CardGate.ResidentCard, TimeSpan.FromSeconds(20));
        Assert.Equal(AccessReason.GrantedCard, made.Decision.Reason);
        await UplinkDeliveryTests.WaitUntilAsync(() => Task.FromResult(gate.CoilWrites().Count >= 2), "the first grant's pulse", TimeSpan.FromSeconds(10));
        var pulse = gate.CoilWrites().Take(2).ToList();
        Assert.Equal([1, 0], pulse.Select(write => write.Value));
        Assert.True(pulse[0].MonotonicSeconds > readyAt);
        Assert.DoesNotContain(peers.Relay.Reads.Skip(readsBefore), read => read.MonotonicSeconds > readyAt && read.MonotonicSeconds < pulse[0].MonotonicSeconds);
    }

    /// <summary>When the warm-up reported ready (event 9103), on the monotonic clock the relay board stamps with, in seconds.</summary>
    private sealed class ReadyMoment : ILoggerProvider, ILogger
    {
        public double? Seconds { get; private set; }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 9103)
            {
                Seconds ??= Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
            }
        }

        public void Dispose()
        {
        }
    }
}
