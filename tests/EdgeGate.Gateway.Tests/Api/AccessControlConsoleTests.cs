using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeGate.Core.Access;
using EdgeGate.Core.Persons;
using EdgeGate.Api;
using EdgeGate.Access;
using EdgeGate.Gateway.Hosting;
using EdgeGate.Storage.Persons;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeGate.Gateway.Tests.Api;

/// <summary>The API over the real decision stage (<c>AddAccessControl</c>, log doors) and the run host's adapters.</summary>
public sealed class AccessControlConsoleTests
{
    [Fact]
    public async Task Card_decisions_stream_live_and_remote_unlock_goes_through_policy_journal_and_door()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await using var host = await ConsoleTestHost.StartAsync(configureServices: (services, settings) =>
        {
            // As the run host wires them (Hosting/GatewayHost.cs).
            services.AddAccessControl(settings);
            services.AddSingleton<IDecisionFeed, DecisionFeedAdapter>();
            services.AddSingleton<IRemoteUnlock, RemoteUnlockBridge>();
        });
        Assert.IsType<DecisionFeedAdapter>(host.Services.GetRequiredService<IDecisionFeed>());
        var database = host.Database;
        Assert.Equal(PersonWriteStatus.Applied, (await database.Persons.AddAsync(new Person { Id = "p-alice", DisplayName = "Alice Example" })).Status);
        Assert.Equal(CardWriteStatus.Applied, (await database.Cards.IssueAsync("CARD-A1", "p-alice", DateTimeOffset.UtcNow.AddDays(-1))).Status);
        using var client = host.CreateClient();

        using var stream = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/decisions/stream"), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(timeout.Token));
        async Task<JsonElement> NextDecisionAsync()
        {
            while (true)
            {
                var line = await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("the stream ended");
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    return JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
                }
            }
        }

        var attempts = host.Services.GetRequiredService<AccessAttemptQueue>();
        await attempts.SubmitAsync(AccessAttempt.ForCard("CARD-A1", "reader-1", ConsoleTestHost.DoorName, DateTimeOffset.UtcNow), timeout.Token);
        var expired = await NextDecisionAsync();
        Assert.Equal("DENIED_EXPIRED", expired.GetProperty("reasonCode").GetString());

        // Renewed through the API, the next presentation is let in.
        var until = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/cards/CARD-A1/renew", new { until }, timeout.Token)).StatusCode);
        await attempts.SubmitAsync(AccessAttempt.ForCard("CARD-A1", "reader-1", ConsoleTestHost.DoorName, DateTimeOffset.UtcNow), timeout.Token);
        var granted = await NextDecisionAsync();
        Assert.Equal("GRANTED_CARD", granted.GetProperty("reasonCode").GetString());

        using var unlock = await client.PostAsJsonAsync("/api/v1/doors/main-gate/unlock", new { reason = "parcel delivery", confirm = true }, timeout.Token);
        var answer = await unlock.Content.ReadFromJsonAsync<JsonElement>(timeout.Token);
        Assert.True(unlock.StatusCode == HttpStatusCode.OK, answer.ToString());
        Assert.Equal("Unlocked", answer.GetProperty("status").GetString());
        Assert.Equal("GRANTED_REMOTE", answer.GetProperty("decision").GetProperty("reasonCode").GetString());
        Assert.Equal("GRANTED_REMOTE", (await NextDecisionAsync()).GetProperty("reasonCode").GetString());

        var recent = await client.GetFromJsonAsync<JsonElement>("/api/v1/decisions/recent", timeout.Token);
        Assert.Equal(["GRANTED_REMOTE", "GRANTED_CARD", "DENIED_EXPIRED"], recent.EnumerateArray().Select(decision => decision.GetProperty("reasonCode").GetString()));

        var events = await client.GetFromJsonAsync<JsonElement>("/api/v1/events?q=parcel%20delivery", timeout.Token);
        Assert.Contains(events.GetProperty("events").EnumerateArray(), entry => entry.GetProperty("payload").ToString().Contains("local-console", StringComparison.Ordinal));

        using var unknown = await client.PostAsJsonAsync("/api/v1/doors/back-door/unlock", new { reason = "x", confirm = true }, timeout.Token);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
