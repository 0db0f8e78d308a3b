using System.Globalization;
using System.Text.Json;
using EdgeGate.Core.Access;
using EdgeGate.Core.Doors;
using EdgeGate.Access;
using EdgeGate.Gateway.Tests.Api;
using EdgeGate.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EdgeGate.Gateway.Tests.EndToEnd;

/// <summary>
/// The whole gateway as it runs at a gate, with nothing faked: the real host with real SQLite, a
/// GStreamer RTSP stream of faces cut from the sample photos, the face pipeline on ONNX Runtime, the
/// access policy, a Modbus RTU relay board (pymodbus on a socat pty) driven by the door, the uplink
/// through mosquitto to the platform simulator, and the web console in Debian's chromium.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class GateEndToEndTests(EndToEndPeers peers) : IClassFixture<EndToEndPeers>
{
    /// <summary>From the gateway's start to a decision: first frame, the face in view after a blank, the vote.</summary>
    private static readonly TimeSpan DecisionTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_valid_resident_in_view_is_granted_the_relay_pulses_and_the_platform_gets_the_event()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var gate = await EndToEndGate.StartAsync(peers, new EndToEndGateOptions("granted", peers.ValidResidentStream.Url), limit.Token);

        var granted = await gate.WaitForDecisionAsync(made => made.Decision.PersonId == EndToEndGate.ValidResident, DecisionTimeout, "decision for the valid resident");
        Assert.Equal(AccessReason.GrantedFace, granted.Decision.Reason);
        var face = Assert.IsType<FaceCredential>(granted.Decision.Credential);
        Assert.Equal(EndToEndGate.CameraName, face.CameraId);
        Assert.True(face.LivenessPassed);
        Assert.NotNull(granted.Seq);

        // The door: the relay board sees the coil switched on, then off after the pulse.
        var door = await gate.WaitForDoorAsync(granted.Attempt.Id, Bound);
        Assert.IsType<DoorCommandOutcome.Done>(door.Outcome);
        var writes = await gate.WaitForAsync(() => gate.CoilWrites() is { Count: >= 2 } seen ? seen : null, Bound, "relay pulse");
        Assert.Equal(new[] { (EndToEndGate.Coil, 1), (EndToEndGate.Coil, 0) }, writes.Take(2).Select(write => (write.Address, write.Value)));
        var released = writes[1].MonotonicSeconds - writes[0].MonotonicSeconds;
        Assert.InRange(released, EndToEndGate.PulseLength.TotalSeconds * 0.9, EndToEndGate.PulseLength.TotalSeconds + 1.5);

        // The platform: the decision and the door's outcome, acknowledged end to end.
        var decisionEvent = await gate.WaitForPlatformEventAsync(granted.Seq.Value, Bound);
        Assert.Equal(("event", AccessJournal.DecisionType), (decisionEvent.Lane, decisionEvent.Type));
        using (var data = JsonDocument.Parse(decisionEvent.DataJson!))
        {
            Assert.Equal("GRANTED_FACE", data.RootElement.GetProperty("reason").GetString());
            Assert.Equal(EndToEndGate.ValidResident, data.RootElement.GetProperty("personId").GetString());
            Assert.Equal(EndToEndGate.CameraName, data.RootElement.GetProperty("camera").GetString());
        }
        var outcomeEvent = await gate.WaitForPlatformEventAsync(door.Seq!.Value, Bound);
        Assert.Equal(AccessJournal.DoorOutcomeType, outcomeEvent.Type);
        using (var data = JsonDocument.Parse(outcomeEvent.DataJson!))
        {
            Assert.Equal(granted.Seq.Value, data.RootElement.GetProperty("decisionSeq").GetInt64());
            Assert.Equal("done", data.RootElement.GetProperty("outcome").GetString());
        }
        await gate.Platform!.WaitForAckAsync(door.Seq.Value, Bound, limit.Token);
    }

    [Fact]
    public async Task An_expired_resident_in_view_is_denied_as_expired_and_the_relay_is_never_written()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var gate = await EndToEndGate.StartAsync(peers, new EndToEndGateOptions("expired", peers.ExpiredResidentStream.Url), limit.Token);

        var denied = await gate.WaitForDecisionAsync(made => made.Decision.PersonId == EndToEndGate.ExpiredResident, DecisionTimeout, "decision for the expired resident");
        Assert.Equal(AccessReason.DeniedExpired, denied.Decision.Reason);
        Assert.Contains("renew", denied.Decision.Message, StringComparison.OrdinalIgnoreCase);
        var deniedEvent = await gate.WaitForPlatformEventAsync(denied.Seq!.Value, Bound);
        using (var data = JsonDocument.Parse(deniedEvent.DataJson!))
        {
            Assert.Equal("DENIED_EXPIRED", data.RootElement.GetProperty("reason").GetString());
            Assert.Equal(EndToEndGate.ExpiredResident, data.RootElement.GetProperty("personId").GetString());
        }

        // The resident walks up again (the stream repeats): still denied, and still no door.
        var again = await gate.WaitForDecisionAsync(made => made.Decision.PersonId == EndToEndGate.ExpiredResident && made.Attempt.Id != denied.Attempt.Id, DecisionTimeout, "a second decision for the expired resident");
        Assert.False(again.Decision.Granted, again.Decision.Message);
        Assert.Empty(gate.Feed.Recent.OfType<DoorOperated>());
        Assert.DoesNotContain(gate.Feed.Recent.OfType<DecisionMade>(), made => made.Decision.Granted);
        Assert.Empty(gate.CoilWrites());
        Assert.DoesNotContain(gate.Platform!.Events(), received => received.Type is not (AccessJournal.DecisionType or AccessJournal.SuppressedType));
    }

    [Fact]
    public async Task A_watch_listed_visitor_raises_an_alert_that_reaches_the_platform_ahead_of_earlier_events()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        // The platform is away while a resident is let in and then the flagged visitor comes: a backlog.
        await using var gate = await EndToEndGate.StartAsync(peers, new EndToEndGateOptions("watchlist", peers.ResidentThenWatchListedStream.Url)
        {
            PlatformFromStart = false,
            AckTimeout = TimeSpan.FromSeconds(1),
        }, limit.Token);

        var granted = await gate.WaitForDecisionAsync(made => made.Decision.PersonId == EndToEndGate.ValidResident, DecisionTimeout, "decision for the valid resident");
        Assert.Equal(AccessReason.GrantedFace, granted.Decision.Reason);
        var alert = await gate.WaitForDecisionAsync(made => made.Decision.PersonId == EndToEndGate.WatchListedVisitor, DecisionTimeout, "decision for the watch-listed visitor");
        Assert.Equal(AccessReason.AlertWatchList, alert.Decision.Reason);
        Assert.Equal(AccessAlerts.WatchList, alert.Decision.Alerts);
        Assert.False(alert.Decision.Granted);
        var door = await gate.WaitForDoorAsync(granted.Attempt.Id, Bound);
        Assert.True(granted.Seq < door.Seq && door.Seq < alert.Seq, $"journal order: grant {granted.Seq}, door {door.Seq}, alert {alert.Seq}");

        // The platform comes back: the gateway's next send leads with the alert, recorded last.
        await gate.AttachPlatformAsync(limit.Token);
        var platform = gate.Platform!;
        await platform.WaitForAckAsync(alert.Seq!.Value, TimeSpan.FromSeconds(20), limit.Token);
        // Every routine event recorded before the alert arrived after it (an event recorded after the
        // alert, such as a stranger sighting, may arrive first: it is published as it happens).
        var order = platform.ArrivalOrder().ToList();
        var earlier = platform.Events().Where(received => received.Seq < alert.Seq && received.Lane == "event").Select(received => received.Seq).ToList();
        Assert.Contains(granted.Seq!.Value, earlier);
        Assert.Contains(door.Seq!.Value, earlier);
        Assert.All(earlier, seq => Assert.True(
            order.IndexOf(alert.Seq.Value) < order.IndexOf(seq),
            $"arrival order [{string.Join(", ", order)}]: the alert (seq {alert.Seq}) came after seq {seq}. {gate.Describe()}"));

        var alertEvent = platform.Events().Single(received => received.Seq == alert.Seq);
        Assert.Equal(("alert", AccessJournal.DecisionType), (alertEvent.Lane, alertEvent.Type));
        using (var data = JsonDocument.Parse(alertEvent.DataJson!))
        {
            Assert.Equal("ALERT_WATCHLIST", data.RootElement.GetProperty("reason").GetString());
            Assert.Equal(EndToEndGate.WatchListedVisitor, data.RootElement.GetProperty("personId").GetString());
            Assert.Equal(["watch_list"], data.RootElement.GetProperty("alerts").EnumerateArray().Select(name => name.GetString()));
        }

        // One pulse only, for the resident: the flagged visitor opened nothing.
        var writes = gate.CoilWrites();
        Assert.Equal(new[] { (EndToEndGate.Coil, 1), (EndToEndGate.Coil, 0) }, writes.Select(write => (write.Address, write.Value)));
    }

    [Fact]
    public async Task The_console_shows_a_live_denial_renews_the_stay_and_then_shows_the_grant_and_the_camera()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        await using var gate = await EndToEndGate.StartAsync(peers, new EndToEndGateOptions("console", peers.ExpiredResidentStream.Url)
        {
            Api = true,
            Cooldown = TimeSpan.FromSeconds(2),
        }, limit.Token);
        await using var browser = await ChromiumSession.LaunchAsync();
        var page = browser.Page;
        var decisionWait = new LocatorAssertionsToBeVisibleOptions { Timeout = (float)DecisionTimeout.TotalMilliseconds };

        await page.GotoAsync($"{gate.ApiUrl}/console/");
        await page.GetByLabel("API token").FillAsync(gate.ApiToken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open console" }).ClickAsync();
        await Expect(page.GetByTestId("stream-status")).ToHaveTextAsync("live");

        // A decision made from the test stream: the expired resident, denied.
        var denied = page.Locator($"[data-testid=decision][data-reason=DENIED_EXPIRED][data-person-id={EndToEndGate.ExpiredResident}]").First;
        await Expect(denied).ToBeVisibleAsync(decisionWait);
        await Expect(denied).ToContainTextAsync($"camera {EndToEndGate.CameraName}");
        await Expect(denied.GetByTestId("decision-message")).ToContainTextAsync("renew at the property office");

        // Renew the stay at the console.
        await page.GetByTestId("person-search").FillAsync("Okafor");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search persons" }).ClickAsync();
        var row = page.Locator($"[data-testid=person-row][data-person-id={EndToEndGate.ExpiredResident}]");
        await Expect(page.GetByTestId("person-row")).ToHaveCountAsync(1);
        await row.GetByRole(AriaRole.Button, new() { Name = "Open Ben Okafor" }).ClickAsync();
        await Expect(page.GetByTestId("person-valid-until")).ToContainTextAsync("(ended)");
        var lastDay = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30);
        var lastDayText = lastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await page.GetByLabel("New last day of the stay").FillAsync(lastDayText);
        Assert.DoesNotContain(gate.Feed.Recent.OfType<DecisionMade>(), made => made.Decision.Granted);
        await page.GetByRole(AriaRole.Button, new() { Name = "Renew stay" }).ClickAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync($"valid through {lastDayText}");
        await Expect(page.GetByTestId("person-valid-until")).Not.ToContainTextAsync("(ended)");
        var database = gate.App.Services.GetRequiredService<EdgeGateDatabase>();
        Assert.Equal(new DateTimeOffset(lastDay.ToDateTime(new TimeOnly(23, 59, 59, 999)), TimeSpan.Zero), (await database.Persons.GetAsync(EndToEndGate.ExpiredResident, limit.Token))!.ValidUntil);

        // The next time the resident walks up, the door opens, and the console shows it.
        var granted = page.Locator($"[data-testid=decision][data-reason=GRANTED_FACE][data-person-id={EndToEndGate.ExpiredResident}]").First;
        await Expect(granted).ToBeVisibleAsync(decisionWait);
        var grant = await gate.WaitForDecisionAsync(made => made.Decision.Granted, Bound, "the grant in the feed");
        Assert.Equal(AccessReason.GrantedFace, grant.Decision.Reason);
        await gate.WaitForAsync(() => gate.CoilWrites() is { Count: >= 2 } seen ? seen : null, Bound, "relay pulse");

        // The camera tile shows a current frame from the stream.
        var tile = page.Locator($"[data-testid=camera-tile][data-camera={EndToEndGate.CameraName}]");
        await Expect(tile.GetByTestId("camera-state")).ToHaveTextAsync("Streaming");
        await page.WaitForFunctionAsync(
            $"() => {{ const image = document.querySelector('[data-camera=\"{EndToEndGate.CameraName}\"] img'); return image && image.complete && image.naturalWidth === {EndToEndPeers.StreamWidth}; }}",
            null,
            new PageWaitForFunctionOptions { Timeout = 15_000 });

        Assert.Empty(browser.Errors);
    }
}
