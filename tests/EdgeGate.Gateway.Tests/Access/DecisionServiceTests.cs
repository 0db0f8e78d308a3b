using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGate.Core.Access;
using EdgeGate.Core.Doors;
using EdgeGate.Core.Persons;
using EdgeGate.Access;
using EdgeGate.Storage.Journal;
using EdgeGate.TestSupport.Peers;

namespace EdgeGate.Gateway.Tests.Access;

/// <summary>The decision stage end to end on a real database with log doors: journal first, then the door.</summary>
public sealed class DecisionServiceTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>A log door and an MQTT lock whose broker is down (nothing listens on its port).</summary>
    private static void LogDoors(JsonObject configuration)
    {
        configuration["Doors"] = new JsonArray
        {
            new JsonObject { ["Name"] = "main-gate", ["Kind"] = "Log", ["PulseLength"] = "00:00:00.200" },
            new JsonObject { ["Name"] = "lobby", ["Kind"] = "Mqtt", ["Mqtt"] = new JsonObject { ["Topic"] = "lobby_lock" } },
        };
        configuration["LockBroker"] = new JsonObject { ["Host"] = "127.0.0.1", ["Port"] = PeerProcess.FreeTcpPort() };
    }

    private static async Task AddPersonAsync(AccessTestHost host, string id, Func<Person, Person>? change = null)
    {
        var person = new Person { Id = id, DisplayName = $"Resident {id}" };
        var result = await host.Database.Persons.AddAsync(change?.Invoke(person) ?? person);
        Assert.True(result.Succeeded, result.Status.ToString());
    }

    private static JsonElement Payload(JournalEntry entry) => JsonDocument.Parse(entry.PayloadJson).RootElement;

    [Fact]
    public async Task Granted_card_is_journaled_before_the_door_is_driven_and_the_outcome_after()
    {
        await using var host = await AccessTestHost.StartAsync(LogDoors);
        await AddPersonAsync(host, "a-101");
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(Storage.Persons.CardWriteStatus.Applied, (await host.Database.Cards.IssueAsync("00AB12CD", "a-101", now.AddDays(30))).Status);

        var attempt = AccessAttempt.ForCard("00ab12cd ", "reader-1", "main-gate", now);
        await host.Attempts.SubmitAsync(attempt);

        var decision = await host.WaitForFeedAsync<DecisionMade>(made => made.Attempt.Id == attempt.Id, Wait);
        var operated = await host.WaitForFeedAsync<DoorOperated>(door => door.Command.AttemptId == attempt.Id, Wait);

        Assert.Equal("GRANTED_CARD", decision.Decision.ReasonCode);
        Assert.NotNull(decision.Seq);
        Assert.True(operated.Outcome.IsDone, operated.Outcome.Describe());
        Assert.Equal(decision.Seq, operated.Command.DecisionSeq);

        // At the moment the driver was called the decision was already committed.
        var call = Assert.Single(host.DriverCalls);
        Assert.Equal("main-gate", call.Door);
        Assert.Contains(call.JournalAtThatMoment, entry => entry.Seq == decision.Seq && entry.Type == AccessJournal.DecisionType);
        Assert.DoesNotContain(call.JournalAtThatMoment, entry => entry.Type == AccessJournal.DoorOutcomeType);

        var journal = await host.JournalAsync();
        Assert.Equal([AccessJournal.DecisionType, AccessJournal.DoorOutcomeType], journal.Select(entry => entry.Type));
        var decisionPayload = Payload(journal[0]);
        Assert.Equal(AccessJournal.SchemaVersion, decisionPayload.GetProperty("schema").GetInt32());
        Assert.Equal("GRANTED_CARD", decisionPayload.GetProperty("reason").GetString());
        Assert.Equal("00AB12CD", decisionPayload.GetProperty("cardUid").GetString());
        Assert.Equal("a-101", decisionPayload.GetProperty("personId").GetString());
        Assert.Equal(JournalLane.Event, journal[0].Lane);
        var outcomePayload = Payload(journal[1]);
        Assert.Equal("done", outcomePayload.GetProperty("outcome").GetString());
        Assert.Equal(journal[0].Seq, outcomePayload.GetProperty("decisionSeq").GetInt64());
        Assert.True(journal[1].Seq > journal[0].Seq);
    }

    [Fact]
    public async Task Denials_are_journaled_and_drive_no_door()
    {
        await using var host = await AccessTestHost.StartAsync(LogDoors, startServices: false);
        var now = DateTimeOffset.UtcNow;
        await AddPersonAsync(host, "expired", person => person with { ValidUntil = now.AddDays(-1) });
        await AddPersonAsync(host, "suspended");
        await host.Database.Persons.SuspendAsync("suspended");

        var unknownCard = await host.Decisions.DecideAsync(AccessAttempt.ForCard("99999999", "reader-1", "main-gate", now), CancellationToken.None);
        var stranger = await host.Decisions.DecideAsync(Face(null, now), CancellationToken.None);
        var expired = await host.Decisions.DecideAsync(Face("expired", now), CancellationToken.None);
        var suspended = await host.Decisions.DecideAsync(Face("suspended", now), CancellationToken.None);
        var deregisteredOrMissing = await host.Decisions.DecideAsync(Face("never-enrolled", now), CancellationToken.None);

        Assert.Equal(
            ["DENIED_UNKNOWN", "DENIED_UNKNOWN", "DENIED_EXPIRED", "DENIED_SUSPENDED", "DENIED_UNKNOWN"],
            new[] { unknownCard, stranger, expired, suspended, deregisteredOrMissing }.Select(made => made!.Decision.ReasonCode));
        var journal = await host.JournalAsync();
        Assert.Equal(5, journal.Count);
        Assert.All(journal, entry => Assert.Equal(AccessJournal.DecisionType, entry.Type));
        Assert.Empty(host.Doors.For("main-gate").Waiting);
    }

    [Fact]
    public async Task Watch_listed_face_is_an_alert_and_a_repeat_within_the_cooldown_is_suppressed()
    {
        await using var host = await AccessTestHost.StartAsync(LogDoors, startServices: false);
        var now = DateTimeOffset.UtcNow;
        await AddPersonAsync(host, "flagged", person => person with { WatchListed = true, WatchListNote = "banned" });
        await AddPersonAsync(host, "resident");

        var flagged = await host.Decisions.DecideAsync(Face("flagged", now), CancellationToken.None);
        var first = await host.Decisions.DecideAsync(Face("resident", now), CancellationToken.None);
        var repeat = await host.Decisions.DecideAsync(Face("resident", now.AddSeconds(2)), CancellationToken.None);
        var afterCooldown = await host.Decisions.DecideAsync(Face("resident", now.AddSeconds(11)), CancellationToken.None);

        Assert.Equal("ALERT_WATCHLIST", flagged!.Decision.ReasonCode);
        Assert.Equal("GRANTED_FACE", first!.Decision.ReasonCode);
        Assert.Equal(AccessOutcome.Suppressed, repeat!.Decision.Outcome);
        Assert.NotNull(repeat.Seq);
        Assert.Equal("GRANTED_FACE", afterCooldown!.Decision.ReasonCode);

        var journal = await host.JournalAsync();
        Assert.Equal(4, journal.Count);
        Assert.Equal((JournalLane.Event, AccessJournal.SuppressedType, repeat.Seq!.Value), (journal[2].Lane, journal[2].Type, journal[2].Seq));
        Assert.Equal(JournalLane.Alert, journal[0].Lane);
        Assert.Equal(["watch_list"], Payload(journal[0]).GetProperty("alerts").EnumerateArray().Select(alert => alert.GetString()));
        Assert.Equal(0.61, Payload(journal[1]).GetProperty("similarity").GetDouble(), 3);

        // The door service is not started here: its requests wait for it.
        var requests = host.Doors.For("main-gate").Waiting;
        Assert.Equal([first.Seq, afterCooldown.Seq], requests.Select(request => request.DecisionSeq));
        Assert.Equal(TimeSpan.FromMilliseconds(200), requests[0].Duration);
    }

    [Fact]
    public async Task Remote_unlock_of_an_mqtt_door_is_granted_and_its_unreachable_broker_becomes_a_door_fault_alert()
    {
        await using var host = await AccessTestHost.StartAsync(LogDoors);
        var attempt = AccessAttempt.ForRemote("office-1", "delivery", "lobby", DateTimeOffset.UtcNow);

        await host.Attempts.SubmitAsync(attempt);
        var operated = await host.WaitForFeedAsync<DoorOperated>(door => door.Command.AttemptId == attempt.Id, Wait);

        Assert.IsType<DoorCommandOutcome.TransportError>(operated.Outcome);
        var journal = await host.JournalAsync();
        Assert.Equal("GRANTED_REMOTE", Payload(journal[0]).GetProperty("reason").GetString());
        Assert.Equal((JournalLane.Alert, AccessJournal.DoorFaultType), (journal[1].Lane, journal[1].Type));
        Assert.Equal("transport_error", Payload(journal[1]).GetProperty("outcome").GetString());
        Assert.Contains($"lock broker {host.Settings.LockBroker!.Host}:{host.Settings.LockBroker.Port} not reachable",
            Payload(journal[1]).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attempt_for_an_unknown_door_is_not_decided()
    {
        await using var host = await AccessTestHost.StartAsync(LogDoors, startServices: false);

        var made = await host.Decisions.DecideAsync(AccessAttempt.ForRemote("office-1", "test", "no-such-door", DateTimeOffset.UtcNow), CancellationToken.None);

        Assert.Null(made);
        Assert.Empty(await host.JournalAsync());
    }

    [Fact]
    public async Task Repeats_within_the_cooldown_are_journaled_as_such_each_card_swipe_and_each_face_track_once()
    {
        await using var host = await AccessTestHost.StartAsync(LogDoors, startServices: false);
        var now = DateTimeOffset.UtcNow;
        await AddPersonAsync(host, "a-101");
        await host.Database.Cards.IssueAsync("00AB12CD", "a-101", now.AddDays(30));

        var granted = await host.Decisions.DecideAsync(AccessAttempt.ForCard("00AB12CD", "reader-1", "main-gate", now), CancellationToken.None);
        var swipes = new List<DecisionMade>();
        for (var second = 1; second <= 3; second++)
        {
            swipes.Add((await host.Decisions.DecideAsync(AccessAttempt.ForCard("00AB12CD", "reader-1", "main-gate", now.AddSeconds(second)), CancellationToken.None))!);
        }
        // The same face track seen again and again is one row; another track is another.
        var firstOfTrack = await host.Decisions.DecideAsync(Face("a-101", now.AddSeconds(4)), CancellationToken.None);
        var sameTrack = await host.Decisions.DecideAsync(Face("a-101", now.AddSeconds(5)), CancellationToken.None);
        var otherTrack = await host.Decisions.DecideAsync(Face("a-101", now.AddSeconds(6), trackId: 8), CancellationToken.None);

        Assert.Equal("GRANTED_CARD", granted!.Decision.ReasonCode);
        Assert.All([.. swipes, firstOfTrack!, sameTrack!, otherTrack!], made => Assert.Equal("SUPPRESSED_COOLDOWN", made.Decision.ReasonCode));
        Assert.Null(sameTrack!.Seq);
        var journal = await host.JournalAsync();
        Assert.Equal(
            [AccessJournal.DecisionType, AccessJournal.SuppressedType, AccessJournal.SuppressedType, AccessJournal.SuppressedType, AccessJournal.SuppressedType, AccessJournal.SuppressedType],
            journal.Select(entry => entry.Type));
        Assert.Equal([.. swipes.Select(made => made.Seq), firstOfTrack!.Seq, otherTrack!.Seq], journal.Skip(1).Select(entry => (long?)entry.Seq));
        Assert.All(journal.Skip(1), entry =>
        {
            Assert.Equal(JournalLane.Event, entry.Lane);
            var payload = Payload(entry);
            Assert.Equal(("suppressed", "SUPPRESSED_COOLDOWN", "GRANTED_CARD", "a-101"), (
                payload.GetProperty("outcome").GetString(), payload.GetProperty("reason").GetString(),
                payload.GetProperty("repeatOf").GetString(), payload.GetProperty("personId").GetString()));
        });
        Assert.Equal("00AB12CD", Payload(journal[1]).GetProperty("cardUid").GetString());
        Assert.Equal(8, Payload(journal[5]).GetProperty("trackId").GetInt64());

        // One door command: the grant's.
        Assert.Equal(granted.Seq, Assert.Single(host.Doors.For("main-gate").Waiting).DecisionSeq);
    }

    private static AccessAttempt Face(string? personId, DateTimeOffset at, long trackId = 7) =>
        new(new FaceCredential(personId, 0.61, 0.93, LivenessPassed: true, "gate-cam"), "main-gate", at, AccessAttemptSource.Camera) { TrackId = trackId };
}
