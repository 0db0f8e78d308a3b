using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeGate.Api;
using EdgeGate.Gateway.Cli;
using EdgeGate.Gateway.Tests.Cli;
using EdgeGate.Gateway.Tests.Hosting;
using EdgeGate.Gateway.Tests.Uplink;
using EdgeGate.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Api;

/// <summary>
/// The local access history against the gateway as <c>edgegate run</c> builds it (<see cref="CardGate"/>:
/// a card reader and a Modbus relay door on ptys, real SQLite, the uplink through a real mosquitto to the
/// platform simulator, the API on loopback): decisions stay after the platform acknowledged them, the
/// API's <c>history</c> route filters, pages and exports them, and <c>edgegate history</c> reads them with
/// the gateway running and after it stopped.
/// </summary>
[Collection(CardGateCollection.Name)]
public sealed class HistoryTests(CardGatePeers peers, ITestOutputHelper output) : IClassFixture<CardGatePeers>
{
    private const string UnknownCard = "00DEADBEEF";

    [Fact]
    public async Task History_outlives_the_platforms_ack_and_is_served_by_the_api_and_the_command_line()
    {
        await using var gate = await CardGate.StartAsync(peers, "history");
        await gate.AssertResidentCardGrantedAsync();
        var denied = await gate.SwipeAsync(UnknownCard, TimeSpan.FromSeconds(20));
        var deniedReason = denied.Decision.ReasonCode;
        Assert.StartsWith("DENIED_", deniedReason, StringComparison.Ordinal);

        // Both decisions and the door's answer are journaled, delivered and acknowledged end to end.
        var database = gate.App.Services.GetRequiredService<EdgeGateDatabase>();
        await UplinkDeliveryTests.WaitUntilAsync(async () =>
        {
            var status = await database.Journal.GetStatusAsync();
            return status.UnackedRows == 0 && gate.Platform.Events().Count(received => received.Type == "access_decision") >= 2
                && gate.Platform.Events().Any(received => received.Type == "door_outcome");
        }, "both decisions and the door outcome acknowledged by the platform", TimeSpan.FromSeconds(30));
        var lastSeq = (await database.Journal.GetStatusAsync()).LastSeq;

        using var client = gate.CreateApiClient();
        var all = await JsonOf(await client.GetAsync("/api/v1/history"));
        var entries = all.GetProperty("entries").EnumerateArray().ToList();
        output.WriteLine(all.ToString());
        Assert.Equal(lastSeq, entries[0].GetProperty("seq").GetInt64());
        Assert.Equal(entries.Select(entry => entry.GetProperty("seq").GetInt64()).OrderDescending(), entries.Select(entry => entry.GetProperty("seq").GetInt64()));
        Assert.All(entries, entry => Assert.True(entry.GetProperty("delivered").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, all.GetProperty("next").ValueKind);
        var grant = Assert.Single(entries, entry => entry.GetProperty("reason").GetString() == "GRANTED_CARD");
        Assert.Equal((CardGate.ResidentId, CardGate.DoorName, "access_decision"),
            (grant.GetProperty("personId").GetString(), grant.GetProperty("door").GetString(), grant.GetProperty("type").GetString()));
        Assert.Equal(CardGate.ResidentCard, grant.GetProperty("payload").GetProperty("cardUid").GetString());

        // Filters: person, reason (any case), door, time.
        Assert.Equal([grant.GetProperty("seq").GetInt64()], Seqs(await JsonOf(await client.GetAsync($"/api/v1/history?person={CardGate.ResidentId}"))));
        var byReason = Seqs(await JsonOf(await client.GetAsync($"/api/v1/history?reason={deniedReason.ToLowerInvariant()}")));
        Assert.Equal(entries.Where(entry => Text(entry, "reason") == deniedReason).Select(entry => entry.GetProperty("seq").GetInt64()), byReason);
        Assert.NotEmpty(byReason);
        Assert.Equal(entries.Where(entry => Text(entry, "door") == CardGate.DoorName).Select(entry => entry.GetProperty("seq").GetInt64()),
            Seqs(await JsonOf(await client.GetAsync($"/api/v1/history?door={CardGate.DoorName}"))));
        var today = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var tomorrow = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(entries.Count, Seqs(await JsonOf(await client.GetAsync($"/api/v1/history?from={today}&to={tomorrow}"))).Count);
        Assert.Empty(Seqs(await JsonOf(await client.GetAsync($"/api/v1/history?from={tomorrow}"))));

        // Paging, newest first: next is the seq to pass as before.
        var first = await JsonOf(await client.GetAsync("/api/v1/history?limit=1"));
        Assert.Equal([lastSeq], Seqs(first));
        Assert.Equal(lastSeq, first.GetProperty("next").GetInt64());
        var second = await JsonOf(await client.GetAsync($"/api/v1/history?limit=1&before={lastSeq}"));
        Assert.Equal([entries[1].GetProperty("seq").GetInt64()], Seqs(second));

        // CSV export: a file with a header row, one line per row.
        using (var csv = await client.GetAsync("/api/v1/history?format=csv"))
        {
            Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
            Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
            Assert.Matches(@"^edgegate-history-\d{8}-\d{4}\.csv$", csv.Content.Headers.ContentDisposition?.FileName?.Trim('"') ?? "");
            var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("seq,occurred_at,type,door,person,card,reason,outcome,detail,delivered", lines[0]);
            Assert.Equal(entries.Count + 1, lines.Length);
            Assert.Contains(lines, line => line.StartsWith($"{grant.GetProperty("seq").GetInt64()},", StringComparison.Ordinal)
                && line.Contains($",{CardGate.ResidentId},{CardGate.ResidentCard},GRANTED_CARD,", StringComparison.Ordinal) && line.EndsWith(",yes", StringComparison.Ordinal));
        }

        // Bad parameters are 400 with the API's JSON error; no token is 401.
        foreach (var bad in new[] { "from=yesterday", "to=2026-13-01", "limit=0", "limit=501", "limit=ten", "before=0", "format=xml", $"from={tomorrow}&to={today}", $"door={new string('d', 201)}" })
        {
            using var response = await client.GetAsync($"/api/v1/history?{bad}");
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{bad}: {(int)response.StatusCode}");
            var error = await response.Content.ReadFromJsonAsync<ApiError>();
            Assert.Equal("bad_request", error?.Error);
            output.WriteLine($"{bad} -> {error?.Detail}");
        }
        using (var stranger = gate.CreateApiClient(token: "not-the-token"))
        using (var refused = await stranger.GetAsync("/api/v1/history?format=csv"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.ToString());
        }

        // The console's event search reads the same rows: nothing vanished with the ack.
        var events = await JsonOf(await client.GetAsync("/api/v1/events"));
        Assert.Equal(entries.Count, events.GetProperty("events").GetArrayLength());

        // The command line, while the gateway runs and after it stopped.
        var config = Path.Combine(gate.Directory, "edgegate.json");
        var running = await InProcessCli.RunAsync([HistoryCommand.Create()], ["history", "--config", config, "--limit", "1"], output);
        Assert.Equal((ExitCodes.Success, ""), (running.ExitCode, running.Error));
        Assert.Contains($"add --before {lastSeq}", running.Output, StringComparison.Ordinal);

        await gate.StopGatewayAsync();
        var table = await InProcessCli.RunAsync([HistoryCommand.Create()], ["history", "--config", config], output);
        Assert.Equal(ExitCodes.Success, table.ExitCode);
        var tableLines = table.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("SEQ", tableLines[0], StringComparison.Ordinal);
        Assert.Equal(entries.Count + 1, tableLines.Length);
        Assert.Contains(tableLines, line => line.Contains(CardGate.ResidentId, StringComparison.Ordinal) && line.Contains("GRANTED_CARD", StringComparison.Ordinal) && line.TrimEnd().EndsWith("yes", StringComparison.Ordinal));

        var csvOut = await InProcessCli.RunAsync([HistoryCommand.Create()], ["history", "--config", config, "--csv", "--reason", deniedReason, "--from", today], output);
        Assert.Equal(ExitCodes.Success, csvOut.ExitCode);
        var csvLines = csvOut.Output.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("seq,occurred_at,type,door,person,card,reason,outcome,detail,delivered", csvLines[0]);
        Assert.Equal(byReason.Count + 1, csvLines.Length);
        Assert.All(csvLines.Skip(1), line => Assert.Contains($",{UnknownCard},{deniedReason},", line, StringComparison.Ordinal));

        foreach (var bad in new[] { new[] { "--from", "last tuesday" }, ["--limit", "0"], ["--limit", "many"], ["--before", "0"], ["--from", tomorrow, "--to", today], ["--doors", "gate"] })
        {
            var refused = await InProcessCli.RunAsync([HistoryCommand.Create()], ["history", "--config", config, .. bad], output);
            Assert.Equal(ExitCodes.Usage, refused.ExitCode);
            Assert.StartsWith("error: ", refused.Error, StringComparison.Ordinal);
            Assert.Empty(refused.Output);
        }
    }

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
        }
    }

    private static List<long> Seqs(JsonElement page) =>
        page.GetProperty("entries").EnumerateArray().Select(entry => entry.GetProperty("seq").GetInt64()).ToList();

    private static string? Text(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
