using System.Text;
using System.Text.Json;
using EdgeGate.Uplink;
using EdgeGate.Uplink.Commands;
using EdgeGate.Storage;
using EdgeGate.TestSupport.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGate.Gateway.Tests.Uplink;

public sealed class CommandDispatcherTests : IAsyncLifetime
{
    private TestDatabase test = null!;
    private EdgeGateDatabase database = null!;
    private PlatformCommandDispatcher dispatcher = null!;

    public async Task InitializeAsync()
    {
        test = await TestDatabase.OpenNewAsync(time: TimeProvider.System);
        database = test.Db;
        dispatcher = new PlatformCommandDispatcher(
            UplinkServiceCollectionExtensions.StandardHandlers(database, new TemplateSettings("m", 8), TimeProvider.System),
            database, 4096, TimeProvider.System, NullLogger<PlatformCommandDispatcher>.Instance);
    }

    public async Task DisposeAsync() => await test.DisposeAsync();

    [Theory]
    [InlineData("launch", """{"v":1,"id":"x12"}""", "unknown_command")]
    [InlineData("enrol", """{"v":1,"id":"bad id"}""", "invalid_id")]
    [InlineData("enrol", "", "malformed_json")]
    public async Task Answers_before_any_handler_runs(string name, string json, string code)
    {
        var answer = await dispatcher.DispatchAsync(name, Encoding.UTF8.GetBytes(json), CancellationToken.None);

        using var document = JsonDocument.Parse(answer);
        Assert.False(document.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(code, document.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_command_interrupted_while_being_applied_is_not_applied_again()
    {
        var unlock = new CountingRemoteUnlock();
        var withDoor = new PlatformCommandDispatcher([new UnlockCommandHandler(unlock)], database, 4096, TimeProvider.System, NullLogger<PlatformCommandDispatcher>.Instance);
        // The gateway recorded u-1 and stopped before answering it (killed mid-pulse); the platform resends it.
        await database.Commands.TryBeginCommandAsync("u-1", "unlock");

        var resent = await DispatchAsync(withDoor, "unlock", """{"v":1,"id":"u-1","door":"gate-1","expiresAt":"{soon}"}""");
        var resentAgain = await DispatchAsync(withDoor, "unlock", """{"v":1,"id":"u-1","door":"gate-1","expiresAt":"{soon}"}""");
        var fresh = await DispatchAsync(withDoor, "unlock", """{"v":1,"id":"u-2","door":"gate-1","expiresAt":"{soon}"}""");
        var freshAgain = await DispatchAsync(withDoor, "unlock", """{"v":1,"id":"u-2","door":"gate-1","expiresAt":"{soon}"}""");

        Assert.Equal(("interrupted", false), (resent.GetProperty("code").GetString(), resent.GetProperty("replay").GetBoolean()));
        Assert.Contains("not applied again", resent.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(("interrupted", true), (resentAgain.GetProperty("code").GetString(), resentAgain.GetProperty("replay").GetBoolean()));
        Assert.Equal((true, false), (fresh.GetProperty("ok").GetBoolean(), fresh.GetProperty("replay").GetBoolean()));
        Assert.Equal((true, true), (freshAgain.GetProperty("ok").GetBoolean(), freshAgain.GetProperty("replay").GetBoolean()));
        Assert.Equal(["gate-1"], unlock.Doors);
    }

    private static async Task<JsonElement> DispatchAsync(PlatformCommandDispatcher target, string name, string json)
    {
        json = json.Replace("{soon}", UplinkMessages.Timestamp(DateTimeOffset.UtcNow.AddSeconds(30)), StringComparison.Ordinal);
        var answer = await target.DispatchAsync(name, Encoding.UTF8.GetBytes(json), CancellationToken.None);
        using var document = JsonDocument.Parse(answer);
        return document.RootElement.Clone();
    }

    private sealed class CountingRemoteUnlock : EdgeGate.Access.IRemoteUnlock
    {
        public List<string> Doors { get; } = [];

        public ValueTask<EdgeGate.Access.RemoteUnlockResult> RequestAsync(string doorName, string operatorId, string reason, CancellationToken cancellationToken)
        {
            Doors.Add(doorName);
            return ValueTask.FromResult(new EdgeGate.Access.RemoteUnlockResult(EdgeGate.Access.RemoteUnlockStatus.Unlocked, "released"));
        }
    }

    /// <summary>Commands that are valid but for one spot marked <c>§</c>, where the bytes of the case go.</summary>
    public static TheoryData<string, string, string, string> BadTextCases()
    {
        var spots = new (string Name, string Json)[]
        {
            ("unlock", """{"v":1,"id":"t-1","door":"gate-1§","expiresAt":"{soon}"}"""),
            ("unlock", """{"v":1,"id":"t-2","door":"gate-1","reason":"x§y","expiresAt":"{soon}"}"""),
            ("card_issue", """{"v":1,"id":"t-3","uid":"04A§","personId":"p-1","validUntil":"2027-01-01T00:00:00Z"}"""),
            ("card_revoke", """{"v":1,"id":"t-4","uid§":"04A"}"""),
            ("enrol", """{"v":1,"id":"t-5","personId":"p-1","displayName":"Li §","consentAt":"2026-11-01T00:00:00Z","templates":[{"modelId":"m","embedding":[1,2,3,4,5,6,7,8]}]}"""),
            ("update_person", """{"v":1,"id":"t-6","personId":"p-1","unit":"§"}"""),
            ("gallery_sync", """{"v":1,"id":"t-7","baseVersion":0,"version":1,"removed":["p-§"]}"""),
            ("deregister", """{"v":1,"id":"t-8","personId":"p-1","§":1}"""),
        };
        var data = new TheoryData<string, string, string, string>();
        foreach (var (name, json) in spots)
        {
            // Invalid UTF-8 anywhere is not JSON text at all.
            data.Add(name, json, "FF", "malformed_json");
            data.Add(name, json, "C0AF", "malformed_json");
            data.Add(name, json, "EDA080", "malformed_json");
            data.Add(name, json, "E282", "malformed_json");
            // Valid UTF-8 whose escape names half a surrogate pair is no text: in a value, the field is
            // named; in a field name, the JSON is refused.
            data.Add(name, json, "5C7564383030", json.Contains("§\":", StringComparison.Ordinal) ? "malformed_json" : "invalid_field");
        }
        data.Add("unlock", """{"v":1,"id":"t-§","door":"gate-1","expiresAt":"{soon}"}""", "5C7564383030", "invalid_id");
        data.Add("unlock", """{"v":1,"id":"t-§","door":"gate-1","expiresAt":"{soon}"}""", "FF", "malformed_json");
        return data;
    }

    [Theory]
    [MemberData(nameof(BadTextCases))]
    public async Task Text_that_is_not_utf8_or_not_unicode_is_refused_as_sent_never_as_an_internal_error(string name, string json, string hex, string code)
    {
        var logs = new Live.CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var unlock = new CountingRemoteUnlock();
        var handlers = UplinkServiceCollectionExtensions.StandardHandlers(database, new TemplateSettings("m", 8), TimeProvider.System)
            .Where(handler => handler.Name != "unlock").Append(new UnlockCommandHandler(unlock));
        var target = new PlatformCommandDispatcher(handlers, database, 4096, TimeProvider.System, factory.CreateLogger<PlatformCommandDispatcher>());
        await database.Persons.AddAsync(new EdgeGate.Core.Persons.Person { Id = "p-1", DisplayName = "Resident" });
        var text = json.Replace("{soon}", UplinkMessages.Timestamp(DateTimeOffset.UtcNow.AddSeconds(30)), StringComparison.Ordinal);
        var at = text.IndexOf('§', StringComparison.Ordinal);
        var payload = Encoding.UTF8.GetBytes(text[..at]).Concat(Convert.FromHexString(hex)).Concat(Encoding.UTF8.GetBytes(text[(at + 1)..])).ToArray();

        using var document = JsonDocument.Parse(await target.DispatchAsync(name, payload, CancellationToken.None));

        var answer = document.RootElement;
        Assert.Equal(code, answer.GetProperty("code").GetString());
        Assert.Empty(unlock.Doors);
        var line = Assert.Single(logs.Lines);
        Assert.Equal((LogLevel.Warning, 8044, null), (line.Level, line.EventId, line.Exception));
        Assert.Contains(code, line.Message, StringComparison.Ordinal);
        if (code == "invalid_field")
        {
            Assert.Contains("not valid text", answer.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        if (code == "malformed_json" && hex != "5C7564383030" && !json.Contains("t-§", StringComparison.Ordinal))
        {
            // Bytes that are not UTF-8 inside a value: the id is still echoed, so the platform knows which command failed.
            Assert.StartsWith("t-", answer.GetProperty("id").GetString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("""{"v":1,"id":"d-1","id":"d-2","uid":"04A"}""")]
    [InlineData("""{"v":1,"id":"d-3","uid":"04A","uid":"04B"}""")]
    [InlineData("""{"v":1,"v":1,"id":"d-4","uid":"04A"}""")]
    public async Task A_field_given_twice_is_refused_as_malformed(string json)
    {
        var answer = await DispatchAsync(dispatcher, "card_revoke", json);

        Assert.Equal("malformed_json", answer.GetProperty("code").GetString());
        Assert.Contains("duplicate", answer.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Unlock_needs_an_expiry_within_its_lifetime()
    {
        var unlock = new CountingRemoteUnlock();
        var target = new PlatformCommandDispatcher([new UnlockCommandHandler(unlock, TimeSpan.FromSeconds(20))], database, 4096, TimeProvider.System, NullLogger<PlatformCommandDispatcher>.Instance);
        string Expiring(TimeSpan after) => UplinkMessages.Timestamp(DateTimeOffset.UtcNow + after);

        var missing = await DispatchAsync(target, "unlock", """{"v":1,"id":"e-1","door":"gate-1"}""");
        var tooFar = await DispatchAsync(target, "unlock", $$"""{"v":1,"id":"e-2","door":"gate-1","expiresAt":"{{Expiring(TimeSpan.FromSeconds(40))}}"}""");
        var past = await DispatchAsync(target, "unlock", $$"""{"v":1,"id":"e-3","door":"gate-1","expiresAt":"{{Expiring(TimeSpan.FromSeconds(-1))}}"}""");
        var nullExpiry = await DispatchAsync(target, "unlock", """{"v":1,"id":"e-4","door":"gate-1","expiresAt":null}""");
        var fine = await DispatchAsync(target, "unlock", $$"""{"v":1,"id":"e-5","door":"gate-1","expiresAt":"{{Expiring(TimeSpan.FromSeconds(15))}}"}""");

        Assert.Equal("expires_required", missing.GetProperty("code").GetString());
        Assert.Equal("expires_too_far", tooFar.GetProperty("code").GetString());
        Assert.Contains("more than 20 s", tooFar.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("expired", past.GetProperty("code").GetString());
        Assert.Equal("expires_required", nullExpiry.GetProperty("code").GetString());
        Assert.True(fine.GetProperty("ok").GetBoolean(), fine.ToString());
        Assert.Equal(["gate-1"], unlock.Doors);
    }

    [Fact]
    public async Task A_retained_command_is_answered_and_alerted_but_never_applied()
    {
        var unlock = new CountingRemoteUnlock();
        var target = new PlatformCommandDispatcher([new UnlockCommandHandler(unlock)], database, 4096, TimeProvider.System, NullLogger<PlatformCommandDispatcher>.Instance);
        var json = $$"""{"v":1,"id":"r-1","door":"gate-1","expiresAt":"{{UplinkMessages.Timestamp(DateTimeOffset.UtcNow.AddSeconds(30))}}"}""";

        // Delivered retained on two reconnections, then a garbled retained one.
        var first = Parse(await target.DispatchAsync("unlock", Encoding.UTF8.GetBytes(json), retained: true, CancellationToken.None));
        var again = Parse(await target.DispatchAsync("unlock", Encoding.UTF8.GetBytes(json), retained: true, CancellationToken.None));
        var garbled = Parse(await target.DispatchAsync("unlock", (byte[])[.. "{\"v\":1,\"id\":\""u8, 0xFF], retained: true, CancellationToken.None));

        Assert.Equal(("r-1", "retained", false), (first.GetProperty("id").GetString(), first.GetProperty("code").GetString(), first.GetProperty("ok").GetBoolean()));
        Assert.Equal("retained", again.GetProperty("code").GetString());
        Assert.Equal((JsonValueKind.Null, "retained"), (garbled.GetProperty("id").ValueKind, garbled.GetProperty("code").GetString()));
        Assert.Empty(unlock.Doors);
        var alerts = (await database.Journal.ReadFromAsync(0, 100)).Where(entry => entry.Type == PlatformCommandDispatcher.RetainedCommandAlertType).ToList();
        Assert.Equal(2, alerts.Count);
        Assert.All(alerts, alert => Assert.Equal(Storage.Journal.JournalLane.Alert, alert.Lane));
        using (var data = JsonDocument.Parse(alerts[0].PayloadJson))
        {
            Assert.Equal(("unlock", "r-1"), (data.RootElement.GetProperty("command").GetString(), data.RootElement.GetProperty("id").GetString()));
        }

        // Nothing was recorded for the id: the same command sent live (not retained) is applied.
        var live = await DispatchAsync(target, "unlock", json);
        Assert.True(live.GetProperty("ok").GetBoolean(), live.ToString());
        Assert.Equal(["gate-1"], unlock.Doors);
    }

    [Fact]
    public async Task An_empty_gallery_delta_answers_a_request_when_nothing_changed()
    {
        var same = await DispatchAsync(dispatcher, "gallery_sync", """{"v":1,"id":"g-1","baseVersion":0,"version":0}""");
        var moved = await DispatchAsync(dispatcher, "gallery_sync", """{"v":1,"id":"g-2","baseVersion":0,"version":24}""");

        Assert.True(same.GetProperty("ok").GetBoolean(), same.ToString());
        Assert.Equal(0, same.GetProperty("data").GetProperty("upserted").GetInt32());
        Assert.True(moved.GetProperty("ok").GetBoolean(), moved.ToString());
        Assert.Equal("24", await database.SyncCursors.GetAsync(UplinkSession.GalleryVersionCursor));
    }

    private static JsonElement Parse(byte[] answer)
    {
        using var document = JsonDocument.Parse(answer);
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task Too_large_is_refused_unread()
    {
        var answer = await dispatcher.DispatchAsync("enrol", new byte[5000], CancellationToken.None);

        Assert.Contains("\"code\":\"too_large\"", Encoding.UTF8.GetString(answer));
    }
}

public sealed class UplinkOptionsValidationTests
{
    [Fact]
    public void Uplink_and_mqtt_lock_settings_are_validated_with_their_keys()
    {
        var settings = new EdgeGate.Configuration.EdgeGateSettings
        {
            Gateway = new EdgeGate.Configuration.GatewayOptions { SiteId = "s", GatewayId = "g" },
            Uplink = new EdgeGate.Configuration.UplinkOptions { Enabled = true, PollInterval = TimeSpan.Zero, ClientCertificateFile = "/c.pem" },
            Doors = [new EdgeGate.Configuration.DoorOptions { Name = "d", Kind = EdgeGate.Configuration.DoorKind.Mqtt, Mqtt = new EdgeGate.Configuration.MqttLockOptions { Topic = "home/+/set", ConfirmTimeout = TimeSpan.Zero } }],
        };

        var errors = settings.Validate();

        Assert.Contains(errors, e => e.StartsWith("Uplink:PollInterval", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Uplink:ClientCertificateFile", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Doors:0:Mqtt:ConfirmTimeout", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Doors:0:Mqtt:Topic", StringComparison.Ordinal));
    }

    [Fact]
    public void Client_options_carry_tls_credentials_and_the_offline_will()
    {
        var directory = Directory.CreateTempSubdirectory("edgegate-cred-").FullName;
        try
        {
            EdgeGate.Storage.Privacy.CredentialFile.WriteText(directory, UplinkConnection.PasswordFileName, "s3cret", overwrite: true);
            var options = UplinkConnection.CreateOptions(
                new EdgeGate.Configuration.UplinkOptions { Host = "broker.example", Port = 8883, CaFile = "/etc/ca.pem", Username = "gw-7" },
                new EdgeGate.Configuration.GatewayOptions { SiteId = "site", GatewayId = "gw-7" },
                directory);

            Assert.Equal(("gw-7", "s3cret", "/etc/ca.pem", "edgegate-gw-7"), (options.Username, options.Password, options.CaCertificatePath, options.ClientId));
            Assert.Equal("edgegate/v1/site/gw-7/state", options.WillTopic);
            Assert.True(options.WillRetain);
            Assert.Contains("\"status\":\"offline\"", Encoding.UTF8.GetString(options.WillPayload.Span));
            options.Validate();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
