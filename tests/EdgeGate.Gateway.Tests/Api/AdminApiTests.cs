using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EdgeGate.Core.Access;
using EdgeGate.Core.Persons;
using EdgeGate.Api;
using EdgeGate.Access;
using EdgeGate.Storage.Journal;
using EdgeGate.Storage.Persons;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGate.Gateway.Tests.Api;

/// <summary>The API over HTTP: a real Kestrel on 127.0.0.1 and a real SQLite database, one per test.</summary>
public sealed class AdminApiTests : IAsyncLifetime
{
    /// <summary>Noon in the site's time zone (Asia/Shanghai, UTC+8).</summary>
    private static readonly DateTimeOffset Now = new(2026, 6, 15, 4, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider time = new(Now);
    private ConsoleTestHost host = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        host = await ConsoleTestHost.StartAsync(time);
        client = host.CreateClient();
        await AddPersonAsync("p-alice", "Alice Example", "A-101");
        await AddPersonAsync("p-bob", "Bob Sample", "B-202");
        await AddPersonAsync("p-carol", "Carol Staff", null, PersonCategory.Staff);
        Assert.Equal(CardWriteStatus.Applied, (await host.Database.Cards.IssueAsync("card-a1", "p-alice", Now.AddDays(-1))).Status);
        Assert.Equal(CardWriteStatus.Applied, (await host.Database.Cards.IssueAsync("CARD-B1", "p-bob", Now.AddDays(30))).Status);
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await host.DisposeAsync();
    }

    private async Task AddPersonAsync(string id, string name, string? unit, PersonCategory category = PersonCategory.Resident)
    {
        var result = await host.Database.Persons.AddAsync(new Person { Id = id, DisplayName = name, Unit = unit, Category = category });
        Assert.Equal(PersonWriteStatus.Applied, result.Status);
    }

    private static async Task<ApiError> ErrorOf(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = await response.Content.ReadFromJsonAsync<ApiError>();
        Assert.NotNull(error);
        Assert.False(string.IsNullOrWhiteSpace(error.Error));
        Assert.False(string.IsNullOrWhiteSpace(error.Detail));
        return error;
    }

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
    }

    [Fact]
    public async Task Health_answers_without_a_token()
    {
        using var anonymous = host.CreateClient(token: "");
        var health = await JsonOf(await anonymous.GetAsync("/api/v1/health"));
        Assert.Equal("ok", health.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("GET", "/api/v1/persons")]
    [InlineData("GET", "/api/v1/persons/p-alice")]
    [InlineData("GET", "/api/v1/cards")]
    [InlineData("GET", "/api/v1/events")]
    [InlineData("GET", "/api/v1/decisions/recent")]
    [InlineData("GET", "/api/v1/decisions/stream")]
    [InlineData("GET", "/api/v1/cameras")]
    [InlineData("GET", "/api/v1/doors")]
    [InlineData("POST", "/api/v1/persons/p-alice/deregister")]
    [InlineData("POST", "/api/v1/persons/p-alice/renew")]
    [InlineData("POST", "/api/v1/cards/CARD-B1/revoke")]
    [InlineData("POST", "/api/v1/doors/main-gate/unlock")]
    [InlineData("GET", "/api/v1/no-such-endpoint")]
    public async Task Every_endpoint_but_health_needs_the_token(string method, string path)
    {
        foreach (var token in new[] { "", "wrong-token-of-some-length", host.Token + "x" })
        {
            using var other = host.CreateClient(token);
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method == "POST")
            {
                request.Content = JsonContent.Create(new { confirm = "p-alice", reason = "test", until = "2027-01-01" });
            }
            using var response = await other.SendAsync(request);
            var error = await ErrorOf(response, HttpStatusCode.Unauthorized);
            Assert.Equal("unauthorized", error.Error);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
        // Nothing changed behind the refused requests.
        Assert.Equal(PersonStatus.Active, (await host.Database.Persons.GetAsync("p-alice"))!.Status);
        Assert.Null((await host.Database.Persons.GetAsync("p-alice"))!.ValidUntil);
        Assert.Equal(CardStatus.Active, (await host.Database.Cards.GetByUidAsync("CARD-B1"))!.Status);
        Assert.Empty(host.Unlock.Requests);
    }

    [Fact]
    public async Task Persons_are_listed_searched_and_filtered_by_status()
    {
        var all = await JsonOf(await client.GetAsync("/api/v1/persons"));
        Assert.Equal(["Alice Example", "Bob Sample", "Carol Staff"], all.EnumerateArray().Select(person => person.GetProperty("displayName").GetString()));

        var byUnit = await JsonOf(await client.GetAsync("/api/v1/persons?q=b-202"));
        Assert.Equal("p-bob", byUnit.EnumerateArray().Single().GetProperty("id").GetString());

        await host.Database.Persons.SuspendAsync("p-carol");
        var suspended = await JsonOf(await client.GetAsync("/api/v1/persons?status=suspended"));
        Assert.Equal("p-carol", suspended.EnumerateArray().Single().GetProperty("id").GetString());
        Assert.Equal("Suspended", suspended[0].GetProperty("status").GetString());

        Assert.Equal("bad_request", (await ErrorOf(await client.GetAsync("/api/v1/persons?status=gone"), HttpStatusCode.BadRequest)).Error);
        await ErrorOf(await client.GetAsync("/api/v1/persons?status=1"), HttpStatusCode.BadRequest);
        await ErrorOf(await client.GetAsync("/api/v1/persons?limit=abc"), HttpStatusCode.BadRequest);
        await ErrorOf(await client.GetAsync("/api/v1/persons?limit=100000"), HttpStatusCode.BadRequest);
        var page = await JsonOf(await client.GetAsync("/api/v1/persons?limit=1&offset=1"));
        Assert.Equal("p-bob", page.EnumerateArray().Single().GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_person_comes_with_their_cards_and_an_unknown_one_is_404()
    {
        var detail = await JsonOf(await client.GetAsync("/api/v1/persons/p-alice"));
        Assert.Equal("Alice Example", detail.GetProperty("person").GetProperty("displayName").GetString());
        var card = detail.GetProperty("cards").EnumerateArray().Single();
        Assert.Equal("CARD-A1", card.GetProperty("uid").GetString());
        Assert.True(card.GetProperty("expired").GetBoolean());
        Assert.Equal("2026-06-14", card.GetProperty("lastDay").GetString());

        var error = await ErrorOf(await client.GetAsync("/api/v1/persons/p-nobody"), HttpStatusCode.NotFound);
        Assert.Equal("not_found", error.Error);
        Assert.Contains("p-nobody", error.Detail);
    }

    [Fact]
    public async Task Deregistration_needs_the_typed_id_and_then_deletes_and_revokes_in_the_store()
    {
        var missing = await ErrorOf(await client.PostAsJsonAsync("/api/v1/persons/p-bob/deregister", new { }), HttpStatusCode.BadRequest);
        Assert.Contains("confirm", missing.Detail);
        await ErrorOf(await client.PostAsJsonAsync("/api/v1/persons/p-bob/deregister", new { confirm = "p-alice" }), HttpStatusCode.BadRequest);
        await ErrorOf(await client.PostAsJsonAsync("/api/v1/persons/p-bob/deregister", new { confirm = true }), HttpStatusCode.BadRequest);
        await ErrorOf(await client.PostAsync("/api/v1/persons/p-bob/deregister", new StringContent("{not json", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        await ErrorOf(await client.PostAsync("/api/v1/persons/p-bob/deregister", new StringContent("confirm=p-bob", Encoding.UTF8, "application/x-www-form-urlencoded")), HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(PersonStatus.Active, (await host.Database.Persons.GetAsync("p-bob"))!.Status);

        await ErrorOf(await client.PostAsJsonAsync("/api/v1/persons/p-nobody/deregister", new { confirm = "p-nobody" }), HttpStatusCode.NotFound);

        var result = await JsonOf(await client.PostAsJsonAsync("/api/v1/persons/p-bob/deregister", new { confirm = "p-bob" }));
        Assert.True(result.GetProperty("changed").GetBoolean());
        Assert.Equal(1, result.GetProperty("cardsRevoked").GetInt32());
        Assert.Equal("Deregistered", result.GetProperty("person").GetProperty("status").GetString());
        Assert.Equal(PersonStatus.Deregistered, (await host.Database.Persons.GetAsync("p-bob"))!.Status);
        Assert.Equal(CardStatus.Revoked, (await host.Database.Cards.GetByUidAsync("CARD-B1"))!.Status);

        var again = await JsonOf(await client.PostAsJsonAsync("/api/v1/persons/p-bob/deregister", new { confirm = "p-bob" }));
        Assert.False(again.GetProperty("changed").GetBoolean());
        // A deregistered record is final.
        Assert.Equal("conflict", (await ErrorOf(await client.PostAsync("/api/v1/persons/p-bob/suspend", null), HttpStatusCode.Conflict)).Error);
    }

    [Fact]
    public async Task Suspend_and_reinstate_change_the_status_in_the_store()
    {
        var suspended = await JsonOf(await client.PostAsync("/api/v1/persons/p-alice/suspend", null));
        Assert.Equal("Suspended", suspended.GetProperty("status").GetString());
        Assert.Equal(PersonStatus.Suspended, (await host.Database.Persons.GetAsync("p-alice"))!.Status);

        var reinstated = await JsonOf(await client.PostAsync("/api/v1/persons/p-alice/reinstate", null));
        Assert.Equal("Active", reinstated.GetProperty("status").GetString());
        Assert.Equal(PersonStatus.Active, (await host.Database.Persons.GetAsync("p-alice"))!.Status);

        await ErrorOf(await client.PostAsync("/api/v1/persons/p-nobody/suspend", null), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Cards_are_listed_per_person_and_status()
    {
        var all = await JsonOf(await client.GetAsync("/api/v1/cards"));
        Assert.Equal(["CARD-A1", "CARD-B1"], all.EnumerateArray().Select(card => card.GetProperty("uid").GetString()));
        var bobs = await JsonOf(await client.GetAsync("/api/v1/cards?person=p-bob"));
        Assert.Equal("CARD-B1", bobs.EnumerateArray().Single().GetProperty("uid").GetString());
        Assert.False(bobs[0].GetProperty("expired").GetBoolean());
        await ErrorOf(await client.GetAsync("/api/v1/cards?person=p-nobody"), HttpStatusCode.NotFound);
        await ErrorOf(await client.GetAsync("/api/v1/cards?status=lost"), HttpStatusCode.BadRequest);
        Assert.Empty((await JsonOf(await client.GetAsync("/api/v1/cards?status=revoked"))).EnumerateArray());
    }

    [Fact]
    public async Task Renewing_a_card_sets_its_last_day_in_the_site_time_zone_in_the_store()
    {
        var renewed = await JsonOf(await client.PostAsJsonAsync("/api/v1/cards/card-a1/renew", new { until = "2026-12-31" }));
        Assert.Equal("2026-12-31", renewed.GetProperty("lastDay").GetString());
        Assert.False(renewed.GetProperty("expired").GetBoolean());

        var stored = await host.Database.Cards.GetByUidAsync("CARD-A1");
        // The end of 31 December in Asia/Shanghai (UTC+8) is 15:59:59.999 UTC that day.
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 15, 59, 59, 999, TimeSpan.Zero), stored!.ValidUntil);
        Assert.False(stored.IsExpired(Now));

        // Renewing until today is allowed: the card is valid to the end of the day.
        await JsonOf(await client.PostAsJsonAsync("/api/v1/cards/CARD-A1/renew", new { until = "2026-06-15" }));
        Assert.Equal(new DateTimeOffset(2026, 6, 15, 15, 59, 59, 999, TimeSpan.Zero), (await host.Database.Cards.GetByUidAsync("CARD-A1"))!.ValidUntil);
    }

    [Theory]
    [InlineData("{\"until\": \"31.12.2026\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"until\": \"2026-02-30\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"until\": \"2026-06-14\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"until\": \"2040-01-01\"}", HttpStatusCode.BadRequest)]
    [InlineData("{}", HttpStatusCode.BadRequest)]
    [InlineData("[]", HttpStatusCode.BadRequest)]
    [InlineData("null", HttpStatusCode.BadRequest)]
    public async Task A_bad_renewal_date_is_400_and_changes_nothing(string body, HttpStatusCode expected)
    {
        var before = (await host.Database.Cards.GetByUidAsync("CARD-B1"))!.ValidUntil;
        await ErrorOf(await client.PostAsync("/api/v1/cards/CARD-B1/renew", new StringContent(body, Encoding.UTF8, "application/json")), expected);
        Assert.Equal(before, (await host.Database.Cards.GetByUidAsync("CARD-B1"))!.ValidUntil);
    }

    [Fact]
    public async Task Renewing_an_unknown_card_is_404_and_a_revoked_one_409()
    {
        await ErrorOf(await client.PostAsJsonAsync("/api/v1/cards/NO-CARD/renew", new { until = "2026-12-31" }), HttpStatusCode.NotFound);

        var revoked = await JsonOf(await client.PostAsync("/api/v1/cards/card-b1/revoke", null));
        Assert.Equal("Revoked", revoked.GetProperty("status").GetString());
        Assert.Equal(CardStatus.Revoked, (await host.Database.Cards.GetByUidAsync("CARD-B1"))!.Status);

        var error = await ErrorOf(await client.PostAsJsonAsync("/api/v1/cards/CARD-B1/renew", new { until = "2026-12-31" }), HttpStatusCode.Conflict);
        Assert.Contains("issue it again", error.Detail);
        await ErrorOf(await client.PostAsync("/api/v1/cards/NO-CARD/revoke", null), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Renewing_a_stay_sets_the_person_s_last_day_in_the_site_time_zone_and_keeps_the_rest()
    {
        var before = (await host.Database.Persons.GetAsync("p-alice"))!;
        Assert.Equal(PersonWriteStatus.Applied, (await host.Database.Persons.UpdateAsync(before with { ValidFrom = Now.AddDays(-100), ValidUntil = Now.AddDays(-1) })).Status);
        await JsonOf(await client.PostAsync("/api/v1/persons/p-alice/suspend", null));

        var renewed = await JsonOf(await client.PostAsJsonAsync("/api/v1/persons/p-alice/renew", new { until = "2026-12-31" }));
        Assert.Equal("Suspended", renewed.GetProperty("status").GetString());
        var stored = (await host.Database.Persons.GetAsync("p-alice"))!;
        // The end of 31 December in Asia/Shanghai (UTC+8) is 15:59:59.999 UTC that day.
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 15, 59, 59, 999, TimeSpan.Zero), stored.ValidUntil);
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 15, 59, 59, 999, TimeSpan.Zero), renewed.GetProperty("validUntil").GetDateTimeOffset());
        Assert.Equal(PersonStatus.Suspended, stored.Status);
        Assert.Equal("Alice Example", stored.DisplayName);
        Assert.Equal("A-101", stored.Unit);
        Assert.Equal(Now.AddDays(-100), stored.ValidFrom);
        Assert.True(stored.Version > before.Version);
        // The card is the card's own matter.
        Assert.True((await host.Database.Cards.GetByUidAsync("CARD-A1"))!.IsExpired(Now));
    }

    [Theory]
    [InlineData("{\"until\": \"31.12.2026\"}")]
    [InlineData("{\"until\": \"2026-06-14\"}")]
    [InlineData("{\"until\": \"2040-01-01\"}")]
    [InlineData("{}")]
    public async Task A_bad_stay_renewal_date_is_400_and_changes_nothing(string body)
    {
        var before = await host.Database.Persons.GetAsync("p-bob");
        await ErrorOf(await client.PostAsync("/api/v1/persons/p-bob/renew", new StringContent(body, Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        Assert.Equal(before, await host.Database.Persons.GetAsync("p-bob"));
    }

    [Fact]
    public async Task A_stay_cannot_end_before_it_starts_nor_be_renewed_for_an_unknown_or_deregistered_person()
    {
        var carol = (await host.Database.Persons.GetAsync("p-carol"))!;
        Assert.Equal(PersonWriteStatus.Applied, (await host.Database.Persons.UpdateAsync(carol with { ValidFrom = Now.AddDays(30) })).Status);
        Assert.Contains("before the start", (await ErrorOf(await client.PostAsJsonAsync("/api/v1/persons/p-carol/renew", new { until = "2026-06-20" }), HttpStatusCode.BadRequest)).Detail);
        Assert.Null((await host.Database.Persons.GetAsync("p-carol"))!.ValidUntil);

        await ErrorOf(await client.PostAsJsonAsync("/api/v1/persons/p-nobody/renew", new { until = "2026-12-31" }), HttpStatusCode.NotFound);
        await JsonOf(await client.PostAsJsonAsync("/api/v1/persons/p-bob/deregister", new { confirm = "p-bob" }));
        await ErrorOf(await client.PostAsJsonAsync("/api/v1/persons/p-bob/renew", new { until = "2026-12-31" }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused()
    {
        var huge = "{\"until\": \"" + new string('9', (int)AdminApiLimits.MaximumRequestBodyBytes) + "\"}";
        var error = await ErrorOf(await client.PostAsync("/api/v1/cards/CARD-B1/renew", new StringContent(huge, Encoding.UTF8, "application/json")), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("too_large", error.Error);
    }

    [Fact]
    public async Task Events_are_searched_by_lane_type_text_and_position()
    {
        var journal = host.Database.Journal;
        for (var i = 1; i <= 30; i++)
        {
            await journal.AppendAsync(new JournalDraft(JournalLane.Event, "access_decision", Now.AddMinutes(i), $"{{\"person\":\"p-{(i % 2 == 0 ? "alice" : "bob")}\",\"n\":{i}}}"));
        }
        await journal.AppendAsync(new JournalDraft(JournalLane.Alert, "watchlist", Now, "{\"person\":\"p-carol\"}"));

        var newest = await JsonOf(await client.GetAsync("/api/v1/events?limit=5"));
        Assert.Equal([27L, 28, 29, 30, 31], newest.GetProperty("events").EnumerateArray().Select(entry => entry.GetProperty("seq").GetInt64()));
        Assert.Equal(31, newest.GetProperty("lastSeq").GetInt64());

        var alerts = await JsonOf(await client.GetAsync("/api/v1/events?lane=alert"));
        var alert = alerts.GetProperty("events").EnumerateArray().Single();
        Assert.Equal("watchlist", alert.GetProperty("type").GetString());
        Assert.Equal("p-carol", alert.GetProperty("payload").GetProperty("person").GetString());

        var forward = await JsonOf(await client.GetAsync("/api/v1/events?after=10&type=access_decision&q=alice&limit=3"));
        Assert.Equal([12L, 14, 16], forward.GetProperty("events").EnumerateArray().Select(entry => entry.GetProperty("seq").GetInt64()));
        Assert.Equal(16, forward.GetProperty("scannedThrough").GetInt64());
        Assert.True(forward.GetProperty("more").GetBoolean());

        var rest = await JsonOf(await client.GetAsync("/api/v1/events?after=16&type=ACCESS_DECISION&q=alice"));
        Assert.Equal(7, rest.GetProperty("events").GetArrayLength());
        Assert.False(rest.GetProperty("more").GetBoolean());

        await ErrorOf(await client.GetAsync("/api/v1/events?lane=urgent"), HttpStatusCode.BadRequest);
        await ErrorOf(await client.GetAsync("/api/v1/events?after=-1"), HttpStatusCode.BadRequest);
        await ErrorOf(await client.GetAsync("/api/v1/events?limit=0"), HttpStatusCode.BadRequest);
    }

    private static AccessDecision Decision(AccessReason reason, string personId, DateTimeOffset at) => new()
    {
        Outcome = reason is AccessReason.GrantedCard or AccessReason.GrantedFace ? AccessOutcome.Granted : AccessOutcome.Denied,
        Reason = reason,
        Message = $"{reason} for {personId}",
        Credential = new CardCredential("CARD-A1", "reader-1"),
        CardUid = "CARD-A1",
        PersonId = personId,
        DoorId = ConsoleTestHost.DoorName,
        At = at,
    };

    [Fact]
    public async Task Recent_decisions_come_newest_first()
    {
        host.Feed.Publish(Decision(AccessReason.DeniedExpired, "p-alice", Now));
        host.Feed.Publish(Decision(AccessReason.GrantedCard, "p-alice", Now.AddSeconds(20)));
        var recent = await JsonOf(await client.GetAsync("/api/v1/decisions/recent"));
        Assert.Equal(["GRANTED_CARD", "DENIED_EXPIRED"], recent.EnumerateArray().Select(decision => decision.GetProperty("reasonCode").GetString()));
        Assert.Equal("Card", recent[0].GetProperty("credential").GetString());
        Assert.True(recent[0].GetProperty("granted").GetBoolean());
        var one = await JsonOf(await client.GetAsync("/api/v1/decisions/recent?limit=1"));
        Assert.Equal(1, one.GetArrayLength());
    }

    [Fact]
    public async Task The_stream_delivers_each_new_decision_as_a_server_sent_event()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/decisions/stream");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await host.Feed.WaitForSubscriberAsync(TimeSpan.FromSeconds(10));

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        host.Feed.Publish(Decision(AccessReason.DeniedExpired, "p-alice", Now));
        host.Feed.Publish(Decision(AccessReason.GrantedCard, "p-alice", Now.AddSeconds(30)));

        var received = new List<JsonElement>();
        string? eventType = null;
        while (received.Count < 2)
        {
            var line = await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("the stream ended");
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventType = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                Assert.Equal("decision", eventType);
                received.Add(JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone());
            }
        }
        Assert.Equal("DENIED_EXPIRED", received[0].GetProperty("reasonCode").GetString());
        Assert.Equal("GRANTED_CARD", received[1].GetProperty("reasonCode").GetString());
        Assert.Equal("p-alice", received[1].GetProperty("personId").GetString());

        response.Dispose();
        // The subscription ends with the connection.
        await Eventually.UntilAsync(() => host.Feed.SubscriberCount == 0, TimeSpan.FromSeconds(10), "the feed's subscription to end");
        Assert.Equal(0, host.Feed.SubscriberCount);
    }

    [Fact]
    public async Task Cameras_show_health_and_serve_the_latest_frame()
    {
        var jpeg = new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 0xFF, 0xD9 };
        host.Cameras.Set(new CameraHealthView("gate-cam", ConsoleTestHost.DoorName, "Streaming", 15, 5, 3, 1, Now, null, null), jpeg);
        host.Cameras.Set(new CameraHealthView("garage-cam", "garage", "Failed", 0, 0, 0, 4, null, "connection refused", Now), null);

        var cameras = await JsonOf(await client.GetAsync("/api/v1/cameras"));
        Assert.Equal(["garage-cam", "gate-cam"], cameras.EnumerateArray().Select(camera => camera.GetProperty("name").GetString()));
        Assert.Equal("connection refused", cameras[0].GetProperty("lastError").GetString());

        using var snapshot = await client.GetAsync("/api/v1/cameras/gate-cam/snapshot.jpg");
        Assert.Equal(HttpStatusCode.OK, snapshot.StatusCode);
        Assert.Equal("image/jpeg", snapshot.Content.Headers.ContentType?.MediaType);
        Assert.Equal(jpeg, await snapshot.Content.ReadAsByteArrayAsync());
        Assert.Contains("no-store", snapshot.Headers.CacheControl?.ToString());

        Assert.Contains("no frame", (await ErrorOf(await client.GetAsync("/api/v1/cameras/garage-cam/snapshot.jpg"), HttpStatusCode.NotFound)).Detail);
        await ErrorOf(await client.GetAsync("/api/v1/cameras/nowhere/snapshot.jpg"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Remote_unlock_needs_confirmation_and_a_reason_and_names_a_known_door()
    {
        var doors = await JsonOf(await client.GetAsync("/api/v1/doors"));
        Assert.Equal([ConsoleTestHost.DoorName, "garage"], doors.EnumerateArray().Select(door => door.GetProperty("name").GetString()));

        await ErrorOf(await client.PostAsJsonAsync("/api/v1/doors/main-gate/unlock", new { reason = "delivery" }), HttpStatusCode.BadRequest);
        await ErrorOf(await client.PostAsJsonAsync("/api/v1/doors/main-gate/unlock", new { reason = "delivery", confirm = false }), HttpStatusCode.BadRequest);
        await ErrorOf(await client.PostAsJsonAsync("/api/v1/doors/main-gate/unlock", new { reason = "  ", confirm = true }), HttpStatusCode.BadRequest);
        await ErrorOf(await client.PostAsJsonAsync("/api/v1/doors/main-gate/unlock", new { reason = "x", confirm = true, @operator = "bad operator!" }), HttpStatusCode.BadRequest);
        await ErrorOf(await client.PostAsJsonAsync("/api/v1/doors/back-door/unlock", new { reason = "delivery", confirm = true }), HttpStatusCode.NotFound);
        Assert.Empty(host.Unlock.Requests);

        var answer = await JsonOf(await client.PostAsJsonAsync("/api/v1/doors/MAIN-GATE/unlock", new { reason = "delivery", confirm = true }));
        Assert.Equal("Unlocked", answer.GetProperty("status").GetString());
        Assert.Equal("GRANTED_REMOTE", answer.GetProperty("decision").GetProperty("reasonCode").GetString());
        Assert.Equal((ConsoleTestHost.DoorName, DoorEndpoints.DefaultOperator, "delivery"), host.Unlock.Requests.Single());

        host.Unlock.NextStatus = RemoteUnlockStatus.Denied;
        Assert.Contains("out of service", (await ErrorOf(await client.PostAsJsonAsync("/api/v1/doors/garage/unlock", new { reason = "r", confirm = true, @operator = "office@site" }), HttpStatusCode.Conflict)).Detail);
        Assert.Equal("office@site", host.Unlock.Requests[^1].Operator);
        host.Unlock.NextStatus = RemoteUnlockStatus.DoorNotResponding;
        Assert.Equal("door_not_responding", (await ErrorOf(await client.PostAsJsonAsync("/api/v1/doors/garage/unlock", new { reason = "r", confirm = true }), HttpStatusCode.BadGateway)).Error);
    }

    [Fact]
    public async Task Unknown_endpoints_are_json_404()
    {
        var error = await ErrorOf(await client.GetAsync("/api/v1/widgets"), HttpStatusCode.NotFound);
        Assert.Contains("widgets", error.Detail);
    }

    [Fact]
    public async Task The_console_is_served_from_the_assembly_with_a_strict_content_policy()
    {
        using var anonymous = host.CreateClient(token: "");
        using var page = await anonymous.GetAsync("/console/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("id=\"token-input\"", html);
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);

        using var script = await anonymous.GetAsync("/console/console.js");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Authorization", await script.Content.ReadAsStringAsync());
        using var style = await anonymous.GetAsync("/console/console.css");
        Assert.Equal(HttpStatusCode.OK, style.StatusCode);
        await ErrorOf(await anonymous.GetAsync("/console/secrets.txt"), HttpStatusCode.NotFound);

        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        using var root = await noRedirect.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
        Assert.Equal("/console/", root.Headers.Location?.ToString());
    }
}

/// <summary>A host that runs no decision stage, cameras or door drivers.</summary>
public sealed class AdminApiWithoutLivePartsTests : IAsyncLifetime
{
    private ConsoleTestHost host = null!;

    public async Task InitializeAsync() => host = await ConsoleTestHost.StartAsync(withLiveParts: false);

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Live_endpoints_say_503_and_cameras_are_an_empty_list()
    {
        using var client = host.CreateClient();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/api/v1/decisions/recent")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/api/v1/decisions/stream")).StatusCode);
        var unlock = await client.PostAsJsonAsync("/api/v1/doors/main-gate/unlock", new { reason = "delivery", confirm = true });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unlock.StatusCode);
        Assert.Equal("unavailable", (await unlock.Content.ReadFromJsonAsync<ApiError>())!.Error);
        Assert.Equal("[]", await client.GetStringAsync("/api/v1/cameras"));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://localhost:8080", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://192.168.1.20:8080", false)]
    [InlineData("http://*:8080", false)]
    public void Loopback_urls_are_told_apart(string url, bool loopback) => Assert.Equal(loopback, AdminApiExtensions.IsLoopback(url));
}
