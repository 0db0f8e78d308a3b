using System.Text.Json.Nodes;
using System.Threading.Channels;
using EdgeGate.Core.Access;
using EdgeGate.Core.Persons;
using EdgeGate.Core.Recognition;
using EdgeGate.Recognition;
using EdgeGate.Access;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGate.Gateway.Tests.Access;

/// <summary>Another stage's channel feeding the decision stage through <see cref="AccessAttemptPump{T}"/>.</summary>
public sealed class AccessAttemptPumpTests
{
    private sealed record Sighting(string? PersonId, string Door, long Track);

    [Fact]
    public async Task Every_item_of_the_source_becomes_a_decision()
    {
        await using var host = await AccessTestHost.StartAsync(configuration =>
            configuration["Doors"] = new JsonArray { new JsonObject { ["Name"] = "gate", ["Kind"] = "Log", ["PulseLength"] = "00:00:00.050" } });
        Assert.True((await host.Database.Persons.AddAsync(new Person { Id = "c-3", DisplayName = "Resident C" })).Succeeded);
        var source = Channel.CreateUnbounded<Sighting>();
        using var pump = new AccessAttemptPump<Sighting>(
            "test sightings",
            source.Reader,
            sighting => AccessAttempt.ForFace(new FaceCredential(sighting.PersonId, 0.7, 0.95, true, "cam-1"), sighting.Door, DateTimeOffset.UtcNow, sighting.Track),
            host.Attempts,
            NullLogger<AccessAttemptPump<Sighting>>.Instance);
        await pump.StartAsync(CancellationToken.None);

        await source.Writer.WriteAsync(new Sighting("c-3", "gate", 1));
        await source.Writer.WriteAsync(new Sighting(null, "gate", 2));
        source.Writer.Complete();

        var granted = await host.WaitForFeedAsync<DecisionMade>(made => made.Attempt.TrackId == 1, TimeSpan.FromSeconds(10));
        var stranger = await host.WaitForFeedAsync<DecisionMade>(made => made.Attempt.TrackId == 2, TimeSpan.FromSeconds(10));
        await pump.StopAsync(CancellationToken.None);

        Assert.Equal("GRANTED_FACE", granted.Decision.ReasonCode);
        Assert.Equal("DENIED_UNKNOWN", stranger.Decision.ReasonCode);
        Assert.Equal(2, pump.Moved);
    }

    [Fact]
    public async Task Recognition_candidates_and_strangers_become_decisions_at_their_door()
    {
        await using var host = await AccessTestHost.StartAsync(
            configuration => configuration["Doors"] = new JsonArray { new JsonObject { ["Name"] = "gate", ["Kind"] = "Log", ["PulseLength"] = "00:00:00.050" } },
            register: services => services.AddSingleton<RecognitionOutputs>().AddRecognitionAttempts());
        Assert.True((await host.Database.Persons.AddAsync(new Person { Id = "d-4", DisplayName = "Resident D" })).Succeeded);
        var outputs = host.GetRequiredService<RecognitionOutputs>();
        var now = DateTimeOffset.UtcNow;

        await outputs.CandidateWriter.WriteAsync(new FaceCandidate("cam-1", "gate", "d-4", 0.66, 0.97, true, 11, 3, now, now, now));
        await outputs.StrangerWriter.WriteAsync(new StrangerSighting("cam-1", "gate", 12, 0.21, 0.95, now, now, now, null));

        var candidate = await host.WaitForFeedAsync<DecisionMade>(made => made.Attempt.TrackId == 11, TimeSpan.FromSeconds(10));
        var stranger = await host.WaitForFeedAsync<DecisionMade>(made => made.Attempt.TrackId == 12, TimeSpan.FromSeconds(10));
        await host.WaitForFeedAsync<DoorOperated>(door => door.Command.AttemptId == candidate.Attempt.Id, TimeSpan.FromSeconds(10));

        Assert.Equal(("GRANTED_FACE", "d-4"), (candidate.Decision.ReasonCode, candidate.Decision.PersonId));
        Assert.Equal("DENIED_UNKNOWN", stranger.Decision.ReasonCode);
        Assert.Equal(AccessAttemptSource.Camera, stranger.Attempt.Source);
    }
}
