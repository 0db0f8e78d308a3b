using System.Text.Json.Nodes;
using EdgeGate.Core.Access;
using EdgeGate.Core.Persons;
using EdgeGate.Access;

namespace EdgeGate.Gateway.Tests.Access;

/// <summary>Hard anti-passback across restarts of the decision stage on the same database file.</summary>
public sealed class AntiPassbackRestartTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private const string Card = "00C0FFEE";

    private static void EntryAndExit(JsonObject configuration)
    {
        configuration["Policy"] = new JsonObject { ["Cooldown"] = "00:00:10", ["Passback"] = "Hard" };
        configuration["Doors"] = new JsonArray
        {
            new JsonObject { ["Name"] = "gate-in", ["Kind"] = "Log", ["Direction"] = "Entry", ["PassbackGroup"] = "compound", ["PulseLength"] = "00:00:00.100" },
            new JsonObject { ["Name"] = "gate-out", ["Kind"] = "Log", ["Direction"] = "Exit", ["PassbackGroup"] = "compound", ["PulseLength"] = "00:00:00.100" },
        };
    }

    private static async Task AddResidentWithCardAsync(AccessTestHost host, string personId)
    {
        Assert.True((await host.Database.Persons.AddAsync(new Person { Id = personId, DisplayName = $"Resident {personId}" })).Succeeded);
        await host.Database.Cards.IssueAsync(Card, personId, DateTimeOffset.UtcNow.AddDays(30));
    }

    private static async Task<DecisionMade> SwipeAsync(AccessTestHost host, string door)
    {
        var attempt = AccessAttempt.ForCard(Card, "reader-1", door, DateTimeOffset.UtcNow);
        await host.Attempts.SubmitAsync(attempt);
        return await host.WaitForFeedAsync<DecisionMade>(made => made.Attempt.Id == attempt.Id, Wait);
    }

    [Fact]
    public async Task Entering_twice_with_a_restart_in_between_is_a_passback_and_so_is_leaving_twice()
    {
        var host = await AccessTestHost.StartAsync(EntryAndExit);
        try
        {
            await AddResidentWithCardAsync(host, "r-1");

            Assert.Equal("GRANTED_CARD", (await SwipeAsync(host, "gate-in")).Decision.ReasonCode);

            host = await host.RestartAsync();
            var again = await SwipeAsync(host, "gate-in");
            Assert.Equal("DENIED_PASSBACK", again.Decision.ReasonCode);
            Assert.Contains("entered at", again.Decision.Message, StringComparison.Ordinal);
            Assert.NotNull(again.Seq);

            Assert.Equal("GRANTED_CARD", (await SwipeAsync(host, "gate-out")).Decision.ReasonCode);

            host = await host.RestartAsync();
            var leavingAgain = await SwipeAsync(host, "gate-out");
            Assert.Equal("DENIED_PASSBACK", leavingAgain.Decision.ReasonCode);
            Assert.Contains("left at", leavingAgain.Decision.Message, StringComparison.Ordinal);
            Assert.Equal("GRANTED_CARD", (await SwipeAsync(host, "gate-in")).Decision.ReasonCode);

            // Every decision made across the three starts is in the one journal, in order.
            var reasons = (await host.JournalAsync())
                .Where(entry => entry.Type == AccessJournal.DecisionType)
                .Select(entry => System.Text.Json.JsonDocument.Parse(entry.PayloadJson).RootElement.GetProperty("reason").GetString())
                .ToList();
            Assert.Equal(["GRANTED_CARD", "DENIED_PASSBACK", "GRANTED_CARD", "DENIED_PASSBACK", "GRANTED_CARD"], reasons);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_deregistered_person_leaves_no_passback_state_behind()
    {
        var host = await AccessTestHost.StartAsync(EntryAndExit);
        try
        {
            await AddResidentWithCardAsync(host, "r-2");
            Assert.Equal("GRANTED_CARD", (await SwipeAsync(host, "gate-in")).Decision.ReasonCode);
            Assert.Single(await host.Database.Passages.ListAsync());

            await host.Database.Persons.DeregisterAsync("r-2");

            Assert.Empty(await host.Database.Passages.ListAsync());
            host = await host.RestartAsync();
            Assert.Empty(await host.Database.Passages.ListAsync());
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
