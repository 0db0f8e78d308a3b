using System.Diagnostics;
using System.Text;
using System.Text.Json;
using EdgeGate.Core.Access;
using EdgeGate.Devices.Mqtt;
using EdgeGate.Tools.Simulator;
using EdgeGate.Access;
using EdgeGate.Uplink;
using EdgeGate.Uplink.Commands;
using EdgeGate.Gateway.Tests.Hosting;
using EdgeGate.Vision.Models;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Uplink;

/// <summary>
/// Platform commands that must not open a door or break the gateway, against the gateway as
/// <c>edgegate run</c> builds it (<see cref="CardGate"/>: real SQLite, a Modbus relay door on a pty, a
/// serial card reader, the uplink through a real mosquitto).
/// </summary>
[Collection(CardGateCollection.Name)]
public sealed class UplinkHostHardeningTests(CardGatePeers peers, ITestOutputHelper output) : IClassFixture<CardGatePeers>
{
    private static readonly TimeSpan AnswerLimit = TimeSpan.FromSeconds(20);

    /// <summary>Every code docs/protocol.md lists for cmd-result, but internal_error.</summary>
    private static readonly HashSet<string> DocumentedCodes =
    [
        "retained", "too_large", "malformed_json", "invalid_id", "unsupported_version", "unknown_command", "invalid_field", "not_found",
        "conflict", "expired", "expires_required", "expires_too_far", "unavailable", "version_gap", "device_failed", "interrupted", "busy",
        "consent_required",
    ];

    [Fact]
    public async Task A_retained_unlock_left_while_the_gateway_was_away_is_answered_and_alerted_but_never_opens_the_door()
    {
        var retainedId = $"stale-{Guid.NewGuid():N}"[..20];
        string? unlockTopic = null;
        await using var gate = await CardGate.StartAsync(peers, "retained", beforeStart: async gate =>
        {
            // A platform bug (or an intruder with publish rights) leaves a fresh-looking unlock on the broker.
            unlockTopic = gate.Platform.Topics.Command("unlock");
            var stale = $$"""{"v":1,"id":"{{retainedId}}","door":"{{CardGate.DoorName}}","expiresAt":"{{UplinkMessages.Timestamp(DateTimeOffset.UtcNow.AddSeconds(50))}}"}""";
            await gate.PlatformClient.PublishAsync(unlockTopic, Encoding.UTF8.GetBytes(stale), MqttQualityOfService.AtLeastOnce, retain: true, CancellationToken.None);
        });

        await gate.Platform.WaitForCommandResultsAsync(1, AnswerLimit);
        var answer = gate.Platform.CommandResults.Single();
        Assert.Equal((retainedId, "unlock", false, "retained", false), (answer.Id, answer.Command, answer.Ok, answer.Code, answer.Replay));
        await UplinkDeliveryTests.WaitUntilAsync(() => Task.FromResult(gate.Platform.Events().Any(received => received.Type == PlatformCommandDispatcher.RetainedCommandAlertType)),
            "the retained_command alert at the platform", AnswerLimit);
        var alert = gate.Platform.Events().First(received => received.Type == PlatformCommandDispatcher.RetainedCommandAlertType);
        Assert.Equal("alert", alert.Lane);
        using (var data = JsonDocument.Parse(alert.DataJson!))
        {
            Assert.Equal(("unlock", retainedId), (data.RootElement.GetProperty("command").GetString(), data.RootElement.GetProperty("id").GetString()));
        }

        // Live commands: an unlock without an expiry, and one too far ahead, are refused too.
        var withoutExpiry = await SendAsync(gate, "unlock", $$"""{"v":1,"id":"live-1","door":"{{CardGate.DoorName}}"}""");
        Assert.Equal("expires_required", withoutExpiry.Code);
        var tooFar = await SendAsync(gate, "unlock", $$"""{"v":1,"id":"live-2","door":"{{CardGate.DoorName}}","expiresAt":"{{UplinkMessages.Timestamp(DateTimeOffset.UtcNow.AddMinutes(5))}}"}""");
        Assert.Equal("expires_too_far", tooFar.Code);

        // Nothing of it reached the door or the journal.
        Assert.Empty(gate.CoilWrites());
        Assert.DoesNotContain(gate.Feed.Recent.OfType<DecisionMade>(), made => made.Decision.Reason == AccessReason.GrantedRemote);
        var journal = await gate.App.Services.GetRequiredService<Storage.EdgeGateDatabase>().Journal.ReadFromAsync(0, 100);
        Assert.DoesNotContain(journal, entry => entry.Type == AccessJournal.DecisionType);

        // The platform clears the retained message (an empty retained publish): no command, no answer.
        // A proper unlock afterwards opens the door, so the refusals above were not a broken door path.
        await gate.PlatformClient.PublishAsync(unlockTopic!, ReadOnlyMemory<byte>.Empty, MqttQualityOfService.AtLeastOnce, retain: true, CancellationToken.None);
        var proper = await SendAsync(gate, "unlock", $$"""{"v":1,"id":"live-3","door":"{{CardGate.DoorName}}","reason":"visitor at the gate","expiresAt":"{{UplinkMessages.Timestamp(DateTimeOffset.UtcNow.AddSeconds(20))}}"}""");
        Assert.True(proper.Ok, proper.Json);
        Assert.Equal(4, gate.Platform.CommandResults.Count);
        await UplinkDeliveryTests.WaitUntilAsync(() => Task.FromResult(gate.CoilWrites().Count >= 2), "the relay pulse of the proper unlock", AnswerLimit);
        Assert.Empty(gate.ErrorLines());
    }

    [Fact]
    public async Task Thousands_of_malformed_commands_get_documented_answers_no_error_log_and_a_card_still_opens_the_door()
    {
        await using var gate = await CardGate.StartAsync(peers, "fuzz");
        var model = ModelCatalog.Locate().Get(ModelNames.Embedding);
        var fuzzer = new CommandFuzzer(seed: 16, model.ModelId ?? model.File, gate.Settings.Uplink.TemplateLength);
        const int Total = 2400;
        const int Burst = 50;
        var sent = new List<FuzzedCommand>(Total);
        var watch = Stopwatch.StartNew();
        while (sent.Count < Total)
        {
            for (var i = 0; i < Burst; i++)
            {
                var command = fuzzer.Next();
                sent.Add(command);
                await gate.Platform.SendCommandAsync(command.Name, command.Payload, CancellationToken.None);
            }
            await gate.Platform.WaitForCommandResultsAsync(sent.Count, AnswerLimit);
        }
        var elapsed = watch.Elapsed;

        var results = gate.Platform.CommandResults.ToList();
        Assert.Equal(Total, results.Count);
        output.WriteLine($"{Total} commands answered in {elapsed.TotalSeconds:0.0} s");
        output.WriteLine("mutations: " + string.Join(", ", sent.GroupBy(command => command.Mutation).OrderBy(group => group.Key).Select(group => $"{group.Key} {group.Count()}")));
        output.WriteLine("answers: " + string.Join(", ", results.GroupBy(result => result.Ok ? "ok" : result.Code).OrderBy(group => group.Key).Select(group => $"{group.Key} {group.Count()}")));
        Assert.DoesNotContain(results, result => result.Code == "internal_error");
        Assert.All(results.Where(result => !result.Ok), result => Assert.Contains(result.Code!, DocumentedCodes));
        Assert.All(results.Where(result => !result.Ok), result => Assert.False(string.IsNullOrWhiteSpace(result.Message), result.Json));
        var errors = gate.ErrorLines();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(5)));
        var warnings = gate.Logs.Lines.Where(line => line.Level == Microsoft.Extensions.Logging.LogLevel.Warning && line.EventId is 8044 or 8045).ToList();
        Assert.NotEmpty(warnings);
        Assert.All(warnings, line => Assert.Null(line.Exception));
        Assert.Empty(gate.CoilWrites());

        await gate.AssertResidentCardGrantedAsync();
    }

    private static async Task<ReceivedCommandResult> SendAsync(CardGate gate, string name, string json)
    {
        var before = gate.Platform.CommandResults.Count;
        await gate.Platform.SendCommandAsync(name, json, CancellationToken.None);
        await gate.Platform.WaitForCommandResultsAsync(before + 1, AnswerLimit);
        return gate.Platform.CommandResults.Last();
    }
}
