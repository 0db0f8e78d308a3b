using System.Text.Json.Nodes;
using EdgeGate.Core.Access;
using EdgeGate.Core.Persons;
using EdgeGate.Access;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGate.Gateway.Tests.Access;

/// <summary>
/// Grants for a door that is still released extend the release: a log door with a 3 s pulse and
/// six residents swiping their cards half a second apart give one release of 5.5 s, not six pulses
/// of 3 s queued behind each other (18 s, the last resident waiting 15 s for the door). On a fake
/// clock, so the lengths are exact.
/// </summary>
public sealed class DoorReleaseExtensionTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Card_grants_while_a_log_door_is_released_extend_its_release_instead_of_queueing_pulses()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await AccessTestHost.StartAsync(
            configuration => configuration["Doors"] = new JsonArray
            {
                new JsonObject { ["Name"] = "main-gate", ["Kind"] = "Log", ["PulseLength"] = "00:00:03" },
            },
            register: services => services.AddSingleton<TimeProvider>(time));
        var attempts = new List<AccessAttempt>();
        for (var resident = 1; resident <= 6; resident++)
        {
            var id = $"a-{resident}";
            Assert.True((await host.Database.Persons.AddAsync(new Person { Id = id, DisplayName = $"Resident {id}" })).Succeeded);
            await host.Database.Cards.IssueAsync($"CARD{resident:0000}", id, time.GetUtcNow().AddDays(30));
            attempts.Add(AccessAttempt.ForCard($"CARD{resident:0000}", "reader-1", "main-gate", time.GetUtcNow()));
        }
        await Eventually.UntilAsync(() => host.Doors.For("main-gate").Waiting.Count == 0, Wait, "the main gate's queue emptied");

        for (var i = 0; i < attempts.Count; i++)
        {
            if (i > 0)
            {
                time.Advance(TimeSpan.FromMilliseconds(500));
            }
            var made = await host.Decisions.DecideAsync(attempts[i] with { At = time.GetUtcNow() }, CancellationToken.None);
            Assert.Equal("GRANTED_CARD", made!.Decision.ReasonCode);
        }
        // Every later grant is answered at once: the door was already released.
        foreach (var attempt in attempts.Skip(1))
        {
            var extended = await host.WaitForFeedAsync<DoorOperated>(door => door.Command.AttemptId == attempt.Id, Wait);
            Assert.True(extended.Outcome.IsDone, extended.Outcome.Describe());
            Assert.Contains("already released", extended.Outcome.Describe(), StringComparison.Ordinal);
        }

        // The release ends 3 s after the last grant: 2.5 s + 3 s after the first.
        time.Advance(TimeSpan.FromMilliseconds(2999));
        Assert.DoesNotContain(host.Feed.Recent.OfType<DoorOperated>(), door => door.Command.AttemptId == attempts[0].Id);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var pulse = await host.WaitForFeedAsync<DoorOperated>(door => door.Command.AttemptId == attempts[0].Id, Wait);
        Assert.Equal("done: logged a 5500 ms pulse", pulse.Outcome.Describe());
        Assert.Single(host.DriverCalls);
        Assert.Equal(attempts.Count, (await host.JournalAsync()).Count(entry => entry.Type == AccessJournal.DoorOutcomeType));
    }

}
