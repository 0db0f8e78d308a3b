using System.Text;
using System.Text.Json;
using EdgeGate.Gateway.Uplink;
using EdgeGate.Gateway.Uplink.Commands;
using EdgeGate.Storage;
using EdgeGate.Storage.Privacy;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGate.Gateway.Tests.Uplink;

public sealed class CommandDispatcherTests : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("edgegate-dispatch-").FullName;
    private TemplateKey key = null!;
    private EdgeGateDatabase database = null!;
    private PlatformCommandDispatcher dispatcher = null!;

    public Task InitializeAsync()
    {
        key = new TemplateKey(new byte[TemplateKey.LengthBytes]);
        database = EdgeGateDatabase.Open(new StorageOptions { DatabasePath = Path.Combine(directory, "db") }, key);
        dispatcher = new PlatformCommandDispatcher(
            UplinkServiceCollectionExtensions.StandardHandlers(database, new TemplateSettings("m", 8), TimeProvider.System),
            database, 4096, TimeProvider.System, NullLogger<PlatformCommandDispatcher>.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        key.Dispose();
        Directory.Delete(directory, recursive: true);
    }

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

        var resent = await DispatchAsync(withDoor, "unlock", """{"v":1,"id":"u-1","door":"gate-1"}""");
        var resentAgain = await DispatchAsync(withDoor, "unlock", """{"v":1,"id":"u-1","door":"gate-1"}""");
        var fresh = await DispatchAsync(withDoor, "unlock", """{"v":1,"id":"u-2","door":"gate-1"}""");
        var freshAgain = await DispatchAsync(withDoor, "unlock", """{"v":1,"id":"u-2","door":"gate-1"}""");

        Assert.Equal(("interrupted", false), (resent.GetProperty("code").GetString(), resent.GetProperty("replay").GetBoolean()));
        Assert.Contains("not applied again", resent.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(("interrupted", true), (resentAgain.GetProperty("code").GetString(), resentAgain.GetProperty("replay").GetBoolean()));
        Assert.Equal((true, false), (fresh.GetProperty("ok").GetBoolean(), fresh.GetProperty("replay").GetBoolean()));
        Assert.Equal((true, true), (freshAgain.GetProperty("ok").GetBoolean(), freshAgain.GetProperty("replay").GetBoolean()));
        Assert.Equal(["gate-1"], unlock.Doors);
    }

    private static async Task<JsonElement> DispatchAsync(PlatformCommandDispatcher target, string name, string json)
    {
        var answer = await target.DispatchAsync(name, Encoding.UTF8.GetBytes(json), CancellationToken.None);
        using var document = JsonDocument.Parse(answer);
        return document.RootElement.Clone();
    }

    private sealed class CountingRemoteUnlock : EdgeGate.Gateway.Api.IRemoteUnlock
    {
        public List<string> Doors { get; } = [];

        public ValueTask<EdgeGate.Gateway.Api.RemoteUnlockResult> RequestAsync(string doorName, string operatorId, string reason, CancellationToken cancellationToken)
        {
            Doors.Add(doorName);
            return ValueTask.FromResult(new EdgeGate.Gateway.Api.RemoteUnlockResult(EdgeGate.Gateway.Api.RemoteUnlockStatus.Unlocked, "released"));
        }
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
        var settings = new EdgeGate.Gateway.Configuration.EdgeGateSettings
        {
            Gateway = new EdgeGate.Gateway.Configuration.GatewayOptions { SiteId = "s", GatewayId = "g" },
            Uplink = new EdgeGate.Gateway.Configuration.UplinkOptions { Enabled = true, PollInterval = TimeSpan.Zero, ClientCertificateFile = "/c.pem" },
            Doors = [new EdgeGate.Gateway.Configuration.DoorOptions { Name = "d", Kind = EdgeGate.Gateway.Configuration.DoorKind.Mqtt, Mqtt = new EdgeGate.Gateway.Configuration.MqttLockOptions { Topic = "home/+/set", ConfirmTimeout = TimeSpan.Zero } }],
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
                new EdgeGate.Gateway.Configuration.UplinkOptions { Host = "broker.example", Port = 8883, CaFile = "/etc/ca.pem", Username = "gw-7" },
                new EdgeGate.Gateway.Configuration.GatewayOptions { SiteId = "site", GatewayId = "gw-7" },
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
