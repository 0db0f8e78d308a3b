using System.Text;
using EdgeGate.Core.Persons;
using EdgeGate.Tools.Simulator;
using EdgeGate.Uplink;
using EdgeGate.TestSupport.Peers;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Uplink;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class UplinkCommandCollection
{
    public const string Name = "uplink commands (runs alone: the fuzz test measures the process's managed heap)";
}

[Collection(UplinkCommandCollection.Name)]
public sealed class UplinkCommandTests(ITestOutputHelper output)
{
    private static readonly TimeSpan AnswerLimit = TimeSpan.FromSeconds(20);

    private static string Embedding(int seed) =>
        "[" + string.Join(",", Enumerable.Range(0, UplinkTestBed.TemplateLength).Select(i => ((i + seed) % 5 + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";

    private static string EnrolJson(string id, string personId, int seed = 1) =>
        $$"""{"v":1,"id":"{{id}}","personId":"{{personId}}","displayName":"Resident {{personId}}","unit":"A-101","consentAt":"2026-11-01T00:00:00Z","validUntil":"2027-12-31T00:00:00Z","templates":[{"modelId":"{{UplinkTestBed.ModelId}}","embedding":{{Embedding(seed)}}}],"cards":[{"uid":"c-{{personId}}","validUntil":"2027-01-01T00:00:00Z"}]}""";

    private static async Task<ReceivedCommandResult> SendAsync(UplinkTestBed bed, string name, string json)
    {
        var before = bed.Platform.CommandResults.Count;
        await bed.Platform.SendCommandAsync(name, json, CancellationToken.None);
        await bed.Platform.WaitForCommandResultsAsync(before + 1, AnswerLimit);
        return bed.Platform.CommandResults.Last();
    }

    [Fact]
    public async Task Enrol_card_renew_revoke_and_deregister_are_applied_once_and_answered()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var bed = await UplinkTestBed.StartAsync(broker);

        var enrolled = await SendAsync(bed, "enrol", EnrolJson("cmd-1", "p-1"));
        Assert.True(enrolled.Ok, enrolled.Json);
        Assert.Equal("cmd-1", enrolled.Id);
        var templates = await bed.Database.Templates.ListForPersonAsync("p-1");
        Assert.Single(templates);
        Assert.Equal(1.0, Math.Sqrt(templates[0].Embedding.Sum(v => (double)v * v)), 3);
        Assert.Equal(CardStatus.Active, (await bed.Database.Cards.GetByUidAsync("C-P-1"))!.Status);

        var replay = await SendAsync(bed, "enrol", EnrolJson("cmd-1", "p-1", seed: 2));
        Assert.True(replay.Replay, replay.Json);
        Assert.Single(await bed.Database.Templates.ListForPersonAsync("p-1"));

        var renewed = await SendAsync(bed, "card_renew", """{"v":1,"id":"cmd-2","uid":"c-p-1","validUntil":"2028-01-01T00:00:00Z"}""");
        Assert.True(renewed.Ok, renewed.Json);
        Assert.Equal(2028, (await bed.Database.Cards.GetByUidAsync("C-P-1"))!.ValidUntil.Year);

        var revoked = await SendAsync(bed, "card_revoke", """{"v":1,"id":"cmd-3","uid":"C-P-1"}""");
        Assert.True(revoked.Ok, revoked.Json);
        var renewRevoked = await SendAsync(bed, "card_renew", """{"v":1,"id":"cmd-4","uid":"C-P-1","validUntil":"2029-01-01T00:00:00Z"}""");
        Assert.Equal(("conflict", false), (renewRevoked.Code, renewRevoked.Ok));
        Assert.Contains("card_revoked", renewRevoked.Message);

        var suspended = await SendAsync(bed, "update_person", """{"v":1,"id":"cmd-5","personId":"p-1","status":"suspended","validUntil":"2027-06-30T00:00:00Z"}""");
        Assert.True(suspended.Ok, suspended.Json);
        Assert.Equal(PersonStatus.Suspended, (await bed.Database.Persons.GetAsync("p-1"))!.Status);

        var deregistered = await SendAsync(bed, "deregister", """{"v":1,"id":"cmd-6","personId":"p-1"}""");
        Assert.True(deregistered.Ok, deregistered.Json);
        Assert.Empty(await bed.Database.Templates.ListForPersonAsync("p-1"));
        Assert.Equal(PersonStatus.Deregistered, (await bed.Database.Persons.GetAsync("p-1"))!.Status);

        var enrolAgain = await SendAsync(bed, "enrol", EnrolJson("cmd-7", "p-1"));
        Assert.Equal("conflict", enrolAgain.Code);
    }

    [Theory]
    [InlineData("enrol", """{"v":1,"id":"x1","personId":"p 1","displayName":"A"}""", "invalid_field", "personId")]
    [InlineData("enrol", """{"v":1,"id":"x2","personId":"p1","displayName":"A","consentAt":"2026-01-01T00:00:00Z","templates":[{"modelId":"other","embedding":[1,2,3,4,5,6,7,8]}]}""", "invalid_field", "templates[0].modelId")]
    [InlineData("enrol", """{"v":1,"id":"x3","personId":"p1","displayName":"A","consentAt":"2026-01-01T00:00:00Z","templates":[{"modelId":"test-model","embedding":[1,2,3]}]}""", "invalid_field", "model's length is 8")]
    [InlineData("enrol", """{"v":1,"id":"x4","personId":"p1","displayName":"A","templates":[{"modelId":"test-model","embedding":[1,2,3,4,5,6,7,8]}]}""", "consent_required", "consentAt")]
    [InlineData("enrol", """{"v":1,"id":"x5","personId":"p1","displayName":"A","consentAt":"2026-01-01T00:00:00Z","photos":[{"contentType":"image/jpeg","data":"/9j/4AAQ"}]}""", "unavailable", "photos")]
    [InlineData("card_renew", """{"v":1,"id":"x6","uid":"C1","validUntil":"tomorrow"}""", "invalid_field", "validUntil")]
    [InlineData("card_renew", """{"v":1,"id":"x7","uid":"C1","validUntil":"2027-01-01T00:00:00Z","extra":1}""", "invalid_field", "extra: unknown field")]
    [InlineData("card_revoke", """{"v":1,"id":"x8","uid":12}""", "invalid_field", "must be a string")]
    [InlineData("deregister", """{"v":1,"id":"x9","personId":"nobody"}""", "not_found", "nobody")]
    [InlineData("unlock", """{"v":1,"id":"x10","door":"gate-1","expiresAt":"{soon}"}""", "unavailable", "remote unlock")]
    [InlineData("unlock", """{"v":1,"id":"x10b","door":"gate-1"}""", "expires_required", "expiresAt: required")]
    [InlineData("unlock", """{"v":1,"id":"x10c","door":"gate-1","expiresAt":"2100-01-01T00:00:00Z"}""", "expires_too_far", "more than 60 s")]
    [InlineData("unlock", """{"v":1,"id":"x11","door":"gate-1","expiresAt":"2020-01-01T00:00:00Z"}""", "expired", "expiresAt")]
    [InlineData("launch", """{"v":1,"id":"x12"}""", "unknown_command", "launch")]
    [InlineData("enrol", """{"v":2,"id":"x13"}""", "unsupported_version", "version 1")]
    [InlineData("enrol", """{"v":1,"id":"bad id"}""", "invalid_id", "id")]
    [InlineData("enrol", """{"v":1,"id":""", "malformed_json", "not valid JSON")]
    [InlineData("enrol", "[1,2]", "malformed_json", "JSON object")]
    public async Task Invalid_commands_are_answered_with_a_precise_error(string name, string json, string code, string mentions)
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var bed = await UplinkTestBed.StartAsync(broker);

        var answer = await SendAsync(bed, name, json.Replace("{soon}", UplinkMessages.Timestamp(DateTimeOffset.UtcNow.AddSeconds(30)), StringComparison.Ordinal));

        Assert.False(answer.Ok, answer.Json);
        Assert.Equal(code, answer.Code);
        Assert.Contains(mentions, answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gallery_sync_follows_the_platform_version_and_asks_again_after_reconnecting()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var bed = await UplinkTestBed.StartAsync(broker);
        await UplinkDeliveryTests.WaitUntilAsync(() => Task.FromResult(bed.Platform.GalleryRequests.Contains(0)), "the gateway asked for changes since version 0");

        var person = $$"""{"personId":"p-%","displayName":"P %","consentAt":"2026-01-01T00:00:00Z","templates":[{"modelId":"test-model","embedding":{{Embedding(3)}}}]}""";
        var delta = await SendAsync(bed, "gallery_sync",
            $$"""{"v":1,"id":"sync-1","baseVersion":0,"version":3,"persons":[{{person.Replace("%", "a", StringComparison.Ordinal)}},{{person.Replace("%", "b", StringComparison.Ordinal)}}]}""");
        Assert.True(delta.Ok, delta.Json);

        var gap = await SendAsync(bed, "gallery_sync", """{"v":1,"id":"sync-2","baseVersion":5,"version":7,"removed":["p-a"]}""");
        Assert.Equal("version_gap", gap.Code);
        Assert.Contains("\"version\":3", gap.Json);
        Assert.Equal(PersonStatus.Active, (await bed.Database.Persons.GetAsync("p-a"))!.Status);

        // The request is not retained: a platform that is not subscribed at that moment misses it. So the
        // gateway stays away until the platform is back on the restarted broker, then reconnects.
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            await bed.GatewayClient.DisconnectAsync(limit.Token);
            broker.Kill();
            await broker.RestartAsync();
            await UplinkDeliveryTests.WaitUntilAsync(() => Task.FromResult(bed.PlatformClient.IsConnected), "the platform is back");
            await bed.GatewayClient.ConnectAsync(limit.Token);
        }
        await UplinkDeliveryTests.WaitUntilAsync(() => Task.FromResult(bed.Platform.GalleryRequests.Contains(3)), "the gateway asked for changes since version 3 after reconnecting");

        var full = await SendAsync(bed, "gallery_sync",
            $$"""{"v":1,"id":"sync-3","full":true,"version":9,"persons":[{{person.Replace("%", "b", StringComparison.Ordinal)}},{{person.Replace("%", "c", StringComparison.Ordinal)}}]}""");
        Assert.True(full.Ok, full.Json);
        Assert.Equal(PersonStatus.Deregistered, (await bed.Database.Persons.GetAsync("p-a"))!.Status);
        Assert.Empty(await bed.Database.Templates.ListForPersonAsync("p-a"));
        Assert.Equal(PersonStatus.Active, (await bed.Database.Persons.GetAsync("p-c"))!.Status);
        Assert.Equal("9", await bed.Database.SyncCursors.GetAsync(UplinkSession.GalleryVersionCursor));
    }

    [Fact]
    public async Task Ten_thousand_fuzzed_commands_are_each_answered_and_nothing_crashes()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var bed = await UplinkTestBed.StartAsync(broker,
            new UplinkSessionOptions { CommandQueueCapacity = 256, CommandMaximumBytes = UplinkTestBed.CommandLimitBytes, PollInterval = TimeSpan.FromMilliseconds(50) },
            platformOptions: new PlatformSimulatorOptions { KeepData = false });
        var random = new Random(8);
        var names = new[] { "enrol", "update_person", "deregister", "card_issue", "card_renew", "card_revoke", "unlock", "config_reload", "gallery_sync", "nope", "x%y" };
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        const int total = 10_000;
        var sent = 0;
        var valid = 0;
        while (sent < total)
        {
            var burst = Math.Min(100, total - sent);
            for (var i = 0; i < burst; i++, sent++)
            {
                var (name, payload, isValid) = Fuzz(random, names, sent);
                valid += isValid ? 1 : 0;
                await bed.Platform.SendCommandAsync(name, payload, CancellationToken.None);
            }
            await bed.Platform.WaitForCommandResultsAsync(sent, AnswerLimit);
        }
        await Quiet.ForAsync(TimeSpan.FromMilliseconds(300), "no answer beyond one per command", () => bed.Platform.CommandResults.Count > total);

        var results = bed.Platform.CommandResults;
        Assert.Equal(total, results.Count);
        var byCode = results.GroupBy(r => r.Ok ? (r.Replay ? "ok (replay)" : "ok") : r.Code + (r.Replay ? " (replay)" : "")).OrderBy(g => g.Key).ToArray();
        output.WriteLine(string.Join(", ", byCode.Select(g => $"{g.Key}: {g.Count()}")));
        Assert.DoesNotContain(results, r => r.Code == "internal_error");
        // Every valid command answered ok; each distinct id applied once, repeats answered from the command log.
        Assert.Equal(valid, results.Count(r => r.Ok));
        var distinctValid = results.Where(r => r.Ok).Select(r => r.Id).Distinct().Count();
        Assert.Equal(distinctValid, results.Count(r => r.Ok && !r.Replay));
        // Each valid enrol id was applied once: one template per person.
        foreach (var person in await bed.Database.Persons.ListAsync(new Storage.Persons.PersonQuery { Limit = 1000 }))
        {
            Assert.True((await bed.Database.Templates.ListForPersonAsync(person.Id)).Count <= 1, person.Id);
        }
        Assert.True(bed.GatewayClient.IsConnected);
        var memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        output.WriteLine($"managed heap before {memoryBefore / 1_048_576.0:0.0} MB, after {memoryAfter / 1_048_576.0:0.0} MB");
        Assert.True(memoryAfter - memoryBefore < 100 * 1_048_576L, $"heap grew by {(memoryAfter - memoryBefore) / 1_048_576} MB");
    }

    private static (string Name, byte[] Payload, bool Valid) Fuzz(Random random, string[] names, int index)
    {
        var kind = random.Next(10);
        var name = names[random.Next(names.Length)];
        switch (kind)
        {
            case 0:
                var bytes = new byte[random.Next(0, 2000)];
                random.NextBytes(bytes);
                return (name, bytes, false);
            case 1:
                return (name, Encoding.UTF8.GetBytes("{\"v\":1,\"id\":\"f" + index + "\",\"personId\":"), false);
            case 2:
                return ("enrol", Encoding.UTF8.GetBytes($$"""{"v":"1","id":{{index}},"personId":[1],"displayName":false}"""), false);
            case 3:
                return ("card_renew", Encoding.UTF8.GetBytes($$"""{"v":1,"id":"f{{index}}","uid":{"a":1},"validUntil":123}"""), false);
            case 4 when index % 20 == 4:
                return (name, new byte[UplinkTestBed.CommandLimitBytes + 1 + random.Next(100_000)], false);
            case 5:
                return ("enrol", Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)), false);
            case 6:
            case 7:
                // A valid enrolment, sometimes sent twice (a replay is answered from the command log).
                var id = $"enrol-{index / 2}";
                return ("enrol", Encoding.UTF8.GetBytes(EnrolJson(id, $"fz-{index / 2}", index)), true);
            case 8:
                return ("deregister", Encoding.UTF8.GetBytes($$"""{"v":1,"id":"dr-{{index}}","personId":"fz-{{random.Next(index + 1) / 2}}","more":"x"}"""), false);
            default:
                var text = new StringBuilder("{\"v\":1,\"id\":\"r" + index + "\"");
                for (var i = 0; i < random.Next(1, 6); i++)
                {
                    text.Append(",\"").Append((char)random.Next('a', 'z')).Append("\":").Append(random.Next(3) switch { 0 => "null", 1 => "\"\\u0000\"", _ => "1e999" });
                }
                return (name, Encoding.UTF8.GetBytes(text.Append('}').ToString()), false);
        }
    }
}
