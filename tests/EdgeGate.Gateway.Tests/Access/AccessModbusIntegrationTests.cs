using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGate.Core.Access;
using EdgeGate.Core.Doors;
using EdgeGate.Core.Persons;
using EdgeGate.Devices.Serial;
using EdgeGate.Access;
using EdgeGate.Gateway.Tests.Live;
using EdgeGate.Storage.Journal;
using EdgeGate.TestSupport.Peers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Access;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AccessTimingCollection
{
    public const string Name = "Access timing";
}

/// <summary>
/// The decision stage with real peers: a Modbus RTU relay board played by the pymodbus slave on one
/// socat pty pair, and a card reader played by the test writing lines into another pair.
/// </summary>
[Collection(AccessTimingCollection.Name)]
public sealed class AccessModbusIntegrationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Coil = 2;
    private static readonly TimeSpan PulseLength = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromMilliseconds(300);
    private SocatPair relayLine = null!;
    private SocatPair readerLine = null!;

    public async Task InitializeAsync()
    {
        relayLine = await SocatPair.StartAsync();
        readerLine = await SocatPair.StartAsync();
    }

    public Task DisposeAsync()
    {
        relayLine?.Dispose();
        readerLine?.Dispose();
        return Task.CompletedTask;
    }

    private void Configure(JsonObject configuration)
    {
        configuration["Doors"] = new JsonArray
        {
            new JsonObject
            {
                ["Name"] = "gate",
                ["Kind"] = "ModbusRtu",
                ["PulseLength"] = PulseLength.ToString(),
                ["ModbusRtu"] = new JsonObject
                {
                    ["Port"] = relayLine.PathB,
                    ["BaudRate"] = 9600,
                    ["SlaveId"] = 1,
                    ["Coil"] = Coil,
                    ["ResponseTimeout"] = ResponseTimeout.ToString(),
                    ["Retries"] = 0,
                },
            },
        };
        configuration["Readers"] = new JsonArray
        {
            new JsonObject { ["Name"] = "gate-reader", ["Port"] = readerLine.PathB, ["Format"] = "AsciiLine", ["Door"] = "gate" },
        };
    }

    [Fact]
    public async Task Granted_decision_turns_the_coil_on_for_the_pulse_length_and_off_again()
    {
        using var slave = await ModbusSlave.StartAsync(relayLine.PathA);
        await using var host = await AccessTestHost.StartAsync(Configure);
        var attempt = AccessAttempt.ForRemote("office-1", "installer check", "gate", DateTimeOffset.UtcNow);

        // Stopwatch and the slave's time.monotonic() both read CLOCK_MONOTONIC.
        var submittedAt = (double)Stopwatch.GetTimestamp() / Stopwatch.Frequency;
        await host.Attempts.SubmitAsync(attempt);
        var operated = await host.WaitForFeedAsync<DoorOperated>(door => door.Command.AttemptId == attempt.Id, TimeSpan.FromSeconds(10));

        Assert.True(operated.Outcome.IsDone, operated.Outcome.Describe());
        var events = await slave.WaitForEventsAsync(e => e.Count >= 2, TimeSpan.FromSeconds(5));
        output.WriteLine($"attempt queued to coil ON at the slave (decide + journal commit + Modbus write): {(events[0].MonotonicSeconds - submittedAt) * 1000:0.0} ms");
        Assert.Equal([("coil", Coil, 1), ("coil", Coil, 0)], events.Select(e => (e.Kind, e.Address, e.Value)));
        var held = TimeSpan.FromSeconds(events[1].MonotonicSeconds - events[0].MonotonicSeconds);
        output.WriteLine($"pulse {PulseLength.TotalMilliseconds} ms asked, slave saw the coil ON for {held.TotalMilliseconds:0.0} ms; {operated.Outcome.Describe()}");
        Assert.InRange(held, PulseLength - TimeSpan.FromMilliseconds(20), PulseLength + TimeSpan.FromMilliseconds(300));

        var journal = await host.JournalAsync();
        Assert.Equal([AccessJournal.DecisionType, AccessJournal.DoorOutcomeType], journal.Select(entry => entry.Type));
        var call = Assert.Single(host.DriverCalls);
        Assert.Contains(call.JournalAtThatMoment, entry => entry.Type == AccessJournal.DecisionType);
    }

    [Fact]
    public async Task A_grant_while_the_door_is_released_extends_the_release_one_on_and_one_later_off()
    {
        using var slave = await ModbusSlave.StartAsync(relayLine.PathA);
        await using var host = await AccessTestHost.StartAsync(Configure);
        var first = AccessAttempt.ForRemote("office-1", "delivery", "gate", DateTimeOffset.UtcNow);
        await host.Attempts.SubmitAsync(first);
        await slave.WaitForEventsAsync(e => e.Count >= 1, TimeSpan.FromSeconds(10));

        // The door is released: a second grant now.
        var second = AccessAttempt.ForRemote("office-2", "second parcel", "gate", DateTimeOffset.UtcNow);
        var secondAt = (double)Stopwatch.GetTimestamp() / Stopwatch.Frequency;
        await host.Attempts.SubmitAsync(second);
        var extended = await host.WaitForFeedAsync<DoorOperated>(door => door.Command.AttemptId == second.Id, TimeSpan.FromSeconds(10));
        var pulse = await host.WaitForFeedAsync<DoorOperated>(door => door.Command.AttemptId == first.Id, TimeSpan.FromSeconds(10));

        Assert.True(extended.Outcome.IsDone, extended.Outcome.Describe());
        Assert.Contains("already released", extended.Outcome.Describe(), StringComparison.Ordinal);
        Assert.True(pulse.Outcome.IsDone, pulse.Outcome.Describe());
        var events = await slave.WaitForEventsAsync(e => e.Count >= 2, TimeSpan.FromSeconds(5));
        Assert.Equal([("coil", Coil, 1), ("coil", Coil, 0)], events.Select(e => (e.Kind, e.Address, e.Value)));
        var held = TimeSpan.FromSeconds(events[1].MonotonicSeconds - events[0].MonotonicSeconds);
        var afterSecond = TimeSpan.FromSeconds(events[1].MonotonicSeconds - secondAt);
        output.WriteLine($"coil ON for {held.TotalMilliseconds:0} ms; OFF {afterSecond.TotalMilliseconds:0} ms after the second grant; {pulse.Outcome.Describe()}");
        // The release lasts the second grant's whole pulse length: the relay never clicked in between.
        Assert.True(afterSecond >= PulseLength - TimeSpan.FromMilliseconds(20), $"the door relocked {afterSecond.TotalMilliseconds:0} ms after the second grant");
        var journal = await host.JournalAsync();
        Assert.Equal(
            [AccessJournal.DecisionType, AccessJournal.DecisionType, AccessJournal.DoorOutcomeType, AccessJournal.DoorOutcomeType],
            journal.Select(entry => entry.Type));
        Assert.Single(host.DriverCalls);
    }

    [Fact]
    public async Task A_grant_during_a_board_timed_pulse_sends_another_board_timed_pulse_and_no_coil_write()
    {
        using var slave = await ModbusSlave.StartAsync(relayLine.PathA);
        await using var host = await AccessTestHost.StartAsync(configuration =>
        {
            Configure(configuration);
            configuration["Doors"]![0]!["PulseLength"] = "00:00:02";
            configuration["Doors"]![0]!["ModbusRtu"]!["DevicePulse"] = new JsonObject
            {
                ["Register"] = Coil,
                ["CommandBase"] = 0x0600,
                ["Unit"] = "00:00:01",
            };
        });
        var first = AccessAttempt.ForRemote("office-1", "delivery", "gate", DateTimeOffset.UtcNow);
        await host.Attempts.SubmitAsync(first);
        await slave.WaitForEventsAsync(e => e.Count >= 1, TimeSpan.FromSeconds(10));
        var second = AccessAttempt.ForRemote("office-2", "second parcel", "gate", DateTimeOffset.UtcNow);
        await host.Attempts.SubmitAsync(second);
        var operated = await host.WaitForFeedAsync<DoorOperated>(door => door.Command.AttemptId == second.Id, TimeSpan.FromSeconds(10));

        Assert.True(operated.Outcome.IsDone, operated.Outcome.Describe());
        // The board restarts its own timer: a crash now still leaves the door to the board to relock.
        var events = await slave.WaitForEventsAsync(e => e.Count >= 2, TimeSpan.FromSeconds(5));
        Assert.Equal([("register", Coil, 0x0602), ("register", Coil, 0x0602)], events.Select(e => (e.Kind, e.Address, e.Value)));
    }

    [Fact]
    public async Task Stopped_slave_gives_no_response_and_a_door_fault_alert()
    {
        var slave = await ModbusSlave.StartAsync(relayLine.PathA);
        slave.Stop();
        slave.Dispose();
        await using var host = await AccessTestHost.StartAsync(Configure);
        var attempt = AccessAttempt.ForRemote("office-1", "installer check", "gate", DateTimeOffset.UtcNow);
        var watch = Stopwatch.StartNew();

        await host.Attempts.SubmitAsync(attempt);
        var operated = await host.WaitForFeedAsync<DoorOperated>(door => door.Command.AttemptId == attempt.Id, TimeSpan.FromSeconds(15));
        var elapsed = watch.Elapsed;

        var noResponse = Assert.IsType<DoorCommandOutcome.NoResponse>(operated.Outcome);
        output.WriteLine($"decision to door_fault alert: {elapsed.TotalMilliseconds:0} ms; {noResponse.Describe()}");
        // The release times out after ResponseTimeout; the driver then tries to relock (5 attempts,
        // 200 ms apart, each with its own timeout) before it reports.
        var bound = (ResponseTimeout * 6) + (TimeSpan.FromMilliseconds(200) * 5) + TimeSpan.FromSeconds(2);
        Assert.True(elapsed < bound, $"took {elapsed}, bound {bound}");
        var journal = await host.JournalAsync();
        var fault = Assert.Single(journal, entry => entry.Type == AccessJournal.DoorFaultType);
        Assert.Equal(JournalLane.Alert, fault.Lane);
        using var payload = JsonDocument.Parse(fault.PayloadJson);
        Assert.Equal("no_response", payload.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(journal[0].Seq, payload.RootElement.GetProperty("decisionSeq").GetInt64());
    }

    [Fact]
    public async Task Card_line_typed_into_the_reader_produces_a_journaled_decision_and_a_pulse()
    {
        using var slave = await ModbusSlave.StartAsync(relayLine.PathA);
        await using var host = await AccessTestHost.StartAsync(Configure);
        Assert.True((await host.Database.Persons.AddAsync(new Person { Id = "b-204", DisplayName = "Resident B" })).Succeeded);
        await host.Database.Cards.IssueAsync("0004A1B2C3", "b-204", DateTimeOffset.UtcNow.AddDays(10));

        using (var reader = SerialPortStream.Open(readerLine.PathA, 9600))
        {
            // Wait until the reader service has the line open (it opens at start; give it a moment under load).
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            DecisionMade? made = null;
            while (made is null)
            {
                await reader.WriteAsync(Encoding.ASCII.GetBytes("0004a1b2c3\r\n"));
                try
                {
                    made = await host.WaitForFeedAsync<DecisionMade>(decision => decision.Attempt.Source == AccessAttemptSource.CardReader, TimeSpan.FromSeconds(1));
                }
                catch (TimeoutException) when (DateTime.UtcNow < deadline)
                {
                }
            }
            Assert.Equal("GRANTED_CARD", made.Decision.ReasonCode);
            Assert.Equal("0004A1B2C3", made.Decision.CardUid);
            Assert.Equal("gate-reader", Assert.IsType<CardCredential>(made.Decision.Credential).ReaderId);

            await reader.WriteAsync(Encoding.ASCII.GetBytes("not a card!\r\n77777777\r\n"));
            var unknown = await host.WaitForFeedAsync<DecisionMade>(decision => decision.Decision.CardUid == "77777777", TimeSpan.FromSeconds(10));
            Assert.Equal("DENIED_UNKNOWN", unknown.Decision.ReasonCode);
        }

        var events = await slave.WaitForEventsAsync(e => e.Count >= 2, TimeSpan.FromSeconds(10));
        Assert.Equal([1, 0], events.Take(2).Select(e => e.Value));
        var journal = await host.JournalAsync();
        var decisions = journal.Where(entry => entry.Type == AccessJournal.DecisionType).ToList();
        Assert.Contains(decisions, entry => entry.PayloadJson.Contains("\"GRANTED_CARD\"", StringComparison.Ordinal));
        Assert.Contains(decisions, entry => entry.PayloadJson.Contains("\"DENIED_UNKNOWN\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Board_timed_pulse_when_configured_is_one_register_write_and_no_coil_write()
    {
        using var slave = await ModbusSlave.StartAsync(relayLine.PathA);
        await using var host = await AccessTestHost.StartAsync(configuration =>
        {
            Configure(configuration);
            configuration["Doors"]![0]!["PulseLength"] = "00:00:01.500";
            configuration["Doors"]![0]!["ModbusRtu"]!["DevicePulse"] = new JsonObject
            {
                ["Register"] = Coil,
                ["CommandBase"] = 0x0600,
                ["Unit"] = "00:00:01",
            };
        });
        var attempt = AccessAttempt.ForRemote("office-1", "installer check", "gate", DateTimeOffset.UtcNow);
        var watch = Stopwatch.StartNew();

        await host.Attempts.SubmitAsync(attempt);
        var operated = await host.WaitForFeedAsync<DoorOperated>(door => door.Command.AttemptId == attempt.Id, TimeSpan.FromSeconds(10));

        Assert.True(operated.Outcome.IsDone, operated.Outcome.Describe());
        Assert.Contains("board-timed pulse", operated.Outcome.Describe(), StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1.5), $"the gateway waited {watch.Elapsed} for a pulse the board times");
        var events = await slave.WaitForEventsAsync(e => e.Count >= 1, TimeSpan.FromSeconds(5));
        // 1.5 s rounded up to whole seconds: 0x0600 + 2.
        Assert.Equal([("register", Coil, 0x0602)], events.Select(e => (e.Kind, e.Address, e.Value)));
        Assert.True(host.GetRequiredService<DoorDrivers>().For("gate").Capabilities.HasFlag(DoorDriverCapabilities.DeviceTimedPulse));
    }

    [Fact]
    public async Task Wiegand_frame_with_bad_parity_is_rejected_and_logged_and_a_good_frame_is_decided()
    {
        var logs = new CapturingLoggerProvider();
        using var slave = await ModbusSlave.StartAsync(relayLine.PathA);
        await using var host = await AccessTestHost.StartAsync(
            configuration =>
            {
                Configure(configuration);
                configuration["Readers"]![0]!["Format"] = "Wiegand26";
            },
            register: services => services.AddLogging(logging => logging.AddProvider(logs)));
        // Facility 123, card 45678: stored as 08106606.
        Assert.True((await host.Database.Persons.AddAsync(new Person { Id = "c-301", DisplayName = "Resident C" })).Succeeded);
        await host.Database.Cards.IssueAsync("08106606", "c-301", DateTimeOffset.UtcNow.AddDays(10));
        var reader = host.Readers.Single();

        using (var converter = SerialPortStream.Open(readerLine.PathA, 9600))
        {
            // The same frame with its first (even parity) bit flipped, until the reader has the line open.
            await Eventually.RepeatUntilAsync(
                async () => await converter.WriteAsync(Encoding.ASCII.GetBytes("00111101110110010011011101\r\n")),
                () => Task.FromResult(reader.LinesRejected > 0),
                TimeSpan.FromMilliseconds(200),
                TimeSpan.FromSeconds(10),
                "the reader to reject the bad frame");
            Assert.Equal(0, reader.CardsRead);
            await converter.WriteAsync(Encoding.ASCII.GetBytes("10111101110110010011011101\r\n"));
            var made = await host.WaitForFeedAsync<DecisionMade>(decision => decision.Attempt.Source == AccessAttemptSource.CardReader, TimeSpan.FromSeconds(10));

            Assert.Equal(("GRANTED_CARD", "08106606"), (made.Decision.ReasonCode, made.Decision.CardUid));
        }

        Assert.Single(host.Feed.Recent.OfType<DecisionMade>());
        var rejected = logs.Lines.Where(line => line.EventId == 3305).ToList();
        Assert.Equal(reader.LinesRejected, rejected.Count);
        Assert.All(rejected, line =>
        {
            Assert.Equal(LogLevel.Warning, line.Level);
            Assert.Contains("even parity", line.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("0011110111011001", line.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Reader_on_a_missing_device_retries_without_stopping_the_gateway()
    {
        await using var host = await AccessTestHost.StartAsync(configuration =>
        {
            Configure(configuration);
            configuration["Readers"]![0]!["Port"] = "/dev/edgegate-no-such-reader";
        });
        var attempt = AccessAttempt.ForRemote("office-1", "still works", "gate", DateTimeOffset.UtcNow);

        // The door still works by remote unlock (the slave is not running: a fault, but decided and journaled).
        await host.Attempts.SubmitAsync(attempt);
        var made = await host.WaitForFeedAsync<DecisionMade>(decision => decision.Attempt.Id == attempt.Id, TimeSpan.FromSeconds(10));

        Assert.Equal("GRANTED_REMOTE", made.Decision.ReasonCode);
        var reader = Assert.Single(host.Readers);
        var waited = Stopwatch.StartNew();
        await Eventually.UntilAsync(() => reader.OpenFailures >= 2, TimeSpan.FromSeconds(10), "the reader to retry opening its device");
        output.WriteLine($"reader open failures after {waited.ElapsedMilliseconds} ms: {reader.OpenFailures}");
        Assert.True(reader.OpenFailures >= 2, "the reader did not retry opening its device");
        Assert.Equal(TimeSpan.FromSeconds(1), CardReaderService.RetryDelay(1));
        Assert.Equal(TimeSpan.FromSeconds(8), CardReaderService.RetryDelay(4));
        Assert.Equal(CardReaderService.MaximumRetryDelay, CardReaderService.RetryDelay(50));
    }
}
