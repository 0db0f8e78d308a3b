using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGate.Core.Access;
using EdgeGate.Access;
using EdgeGate.Uplink.Commands;
using EdgeGate.Gateway.Tests.Access;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGate.Gateway.Tests.Hosting;

/// <summary>
/// The platform's config_reload on the decision stage as the gateway runs it: the file edited on disk,
/// the command answered, and the next decision and door pulse using the new values.
/// </summary>
public sealed class ConfigurationReloaderTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Config_reload_applies_the_policy_and_door_rules_at_once_and_names_what_needs_a_restart()
    {
        await using var host = await AccessTestHost.StartAsync(
            configuration => configuration["Doors"] = new JsonArray
            {
                new JsonObject { ["Name"] = "lobby", ["Kind"] = "Log", ["PulseLength"] = "00:00:00.300" },
            },
            reloadable: true);
        var dispatcher = new PlatformCommandDispatcher(
            [new ConfigReloadCommandHandler(host.GetRequiredService<IConfigurationReloader>())],
            host.Database, 4096, TimeProvider.System, NullLogger<PlatformCommandDispatcher>.Instance);
        var path = AccessTestHost.ConfigurationPath(host.Directory);
        var policy = host.GetRequiredService<AccessSettingsSource>();

        var unchanged = await ReloadAsync(dispatcher, "reload-1");
        Assert.True(unchanged.GetProperty("ok").GetBoolean(), unchanged.ToString());
        Assert.Empty(unchanged.GetProperty("data").GetProperty("applied").EnumerateArray());
        Assert.Empty(unchanged.GetProperty("data").GetProperty("restartRequired").EnumerateArray());

        var file = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        file["Doors"]![0]!["PulseLength"] = "00:00:00.700";
        file["Policy"]!["Cooldown"] = "00:00:30";
        file["Uplink"]!["Window"] = 800;
        await File.WriteAllTextAsync(path, file.ToJsonString());
        var reloaded = await ReloadAsync(dispatcher, "reload-2");

        Assert.True(reloaded.GetProperty("ok").GetBoolean(), reloaded.ToString());
        Assert.Equal(["Policy", "Doors"], Names(reloaded, "applied"));
        Assert.Equal(["Uplink"], Names(reloaded, "restartRequired"));
        Assert.Equal(TimeSpan.FromSeconds(30), policy.Current.Cooldown);
        Assert.Equal(TimeSpan.FromMilliseconds(700), (await UnlockAsync(host)).Command.Duration);

        // A broken file changes nothing.
        file["Doors"]![0]!["PulseLength"] = "00:00:01";
        file["Doors"]![0]!["Colour"] = "red";
        await File.WriteAllTextAsync(path, file.ToJsonString());
        var refused = await ReloadAsync(dispatcher, "reload-3");
        Assert.Equal("invalid_field", refused.GetProperty("code").GetString());
        Assert.Contains(refused.GetProperty("data").GetProperty("problems").EnumerateArray(), problem => problem.GetString()!.Contains("Colour", StringComparison.Ordinal));
        Assert.Equal(TimeSpan.FromMilliseconds(700), (await UnlockAsync(host)).Command.Duration);

        // A new door needs a restart (its driver and service start with the gateway); the rules stay as they are.
        file["Doors"]![0]!.AsObject().Remove("Colour");
        file["Doors"]!.AsArray().Add(new JsonObject { ["Name"] = "garage", ["Kind"] = "Log" });
        await File.WriteAllTextAsync(path, file.ToJsonString());
        var added = await ReloadAsync(dispatcher, "reload-4");
        Assert.True(added.GetProperty("ok").GetBoolean(), added.ToString());
        Assert.Contains("Doors", Names(added, "restartRequired"));
        Assert.DoesNotContain("Doors", Names(added, "applied"));
        Assert.Equal(TimeSpan.FromMilliseconds(700), (await UnlockAsync(host)).Command.Duration);

        // Taking the door out of service applies at once: even a remote unlock is refused and journaled.
        file["Doors"]!.AsArray().RemoveAt(1);
        file["Doors"]![0]!["Enabled"] = false;
        await File.WriteAllTextAsync(path, file.ToJsonString());
        var disabled = await ReloadAsync(dispatcher, "reload-5");
        Assert.Contains("Doors", Names(disabled, "applied"));
        Assert.DoesNotContain("Doors", Names(disabled, "restartRequired"));
        var attempt = AccessAttempt.ForRemote("office-1", "test", "lobby", DateTimeOffset.UtcNow);
        await host.Attempts.SubmitAsync(attempt);
        var refusedDecision = await host.WaitForFeedAsync<DecisionMade>(made => made.Attempt.Id == attempt.Id, Wait);
        Assert.Equal(AccessReason.DeniedDoorDisabled, refusedDecision.Decision.Reason);
        Assert.NotNull(refusedDecision.Seq);
    }

    private static string[] Names(JsonElement answer, string list) =>
        answer.GetProperty("data").GetProperty(list).EnumerateArray().Select(name => name.GetString()!).ToArray();

    private static async Task<JsonElement> ReloadAsync(PlatformCommandDispatcher dispatcher, string id)
    {
        var answer = await dispatcher.DispatchAsync("config_reload", Encoding.UTF8.GetBytes($$"""{"v":1,"id":"{{id}}"}"""), CancellationToken.None);
        using var document = JsonDocument.Parse(answer);
        return document.RootElement.Clone();
    }

    private static async Task<DoorOperated> UnlockAsync(AccessTestHost host)
    {
        var attempt = AccessAttempt.ForRemote("office-1", "test", "lobby", DateTimeOffset.UtcNow);
        await host.Attempts.SubmitAsync(attempt);
        return await host.WaitForFeedAsync<DoorOperated>(door => door.Command.AttemptId == attempt.Id, Wait);
    }
}
