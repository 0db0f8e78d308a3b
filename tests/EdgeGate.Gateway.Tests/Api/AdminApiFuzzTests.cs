using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EdgeGate.Core.Persons;
using EdgeGate.Gateway.Tests.Hosting;
using EdgeGate.Storage;
using Xunit.Abstractions;
using EdgeGate.Api;
using EdgeGate.Uplink;

namespace EdgeGate.Gateway.Tests.Api;

/// <summary>
/// Malformed requests to the local API of the gateway as <c>edgegate run</c> builds it (<see cref="CardGate"/>:
/// Kestrel on loopback, real SQLite, a relay door and a card reader on ptys): every answer is a 4xx in
/// the API's error shape (or Kestrel's own 4xx for a request it cannot parse), never a 500, never an
/// Error-level log line, and the gate still opens for a valid card afterwards.
/// </summary>
[Collection(CardGateCollection.Name)]
public sealed class AdminApiFuzzTests(CardGatePeers peers, ITestOutputHelper output) : IClassFixture<CardGatePeers>
{
    private static readonly string[] FuzzPersons = ["p-fz-1", "p-fz-2", "p-fz-3"];
    private static readonly string[] FuzzCards = ["FZ-CARD-1", "FZ-CARD-2"];

    [Fact]
    public async Task Thousands_of_malformed_requests_get_4xx_answers_no_error_log_and_a_card_still_opens_the_door()
    {
        await using var gate = await CardGate.StartAsync(peers, "api-fuzz", seed: SeedAsync);
        var token = gate.ApiToken;
        var fuzzer = new HttpRequestFuzzer(16, FuzzPersons, FuzzCards, CardGate.DoorName);
        var outcomes = new List<(string Mutation, string Status)>();
        var problems = new List<string>();
        var watch = Stopwatch.StartNew();
        var slowBody = SlowBodyAsync(gate.ApiAddress, token);

        using (var client = new HttpClient { BaseAddress = gate.ApiAddress, Timeout = TimeSpan.FromSeconds(30) })
        {
            for (var i = 0; i < 1700; i++)
            {
                var request = fuzzer.NextClientRequest();
                using var message = request.ToMessage(token);
                HttpResponseMessage response;
                string body;
                try
                {
                    response = await client.SendAsync(message);
                    body = await response.Content.ReadAsStringAsync();
                }
                catch (HttpRequestException) when (request.Body?.Length > AdminApiLimits.MaximumRequestBodyBytes)
                {
                    // Refused unread: the server may answer 413 and close before the client finished sending.
                    outcomes.Add((request.Mutation, "closed while sending"));
                    continue;
                }
                catch (HttpRequestException exception)
                {
                    outcomes.Add((request.Mutation, "no answer"));
                    problems.Add($"{request.Method} {request.PathAndQuery[..Math.Min(200, request.PathAndQuery.Length)]} ({request.Mutation}): no answer ({exception.InnerException?.Message ?? exception.Message})");
                    continue;
                }
                using var answered = response;
                var status = (int)response.StatusCode;
                outcomes.Add((request.Mutation, status.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                if (status >= 500)
                {
                    problems.Add($"{request.Method} {request.PathAndQuery[..Math.Min(200, request.PathAndQuery.Length)]} ({request.Mutation}): {status} {body}");
                }
                else if (status >= 400 && request.Method != HttpMethod.Head && !HasApiErrorShape(response.Content.Headers.ContentType?.MediaType, body)
                    && !IsKestrelRefusal(status, body))
                {
                    problems.Add($"{request.Method} {request.PathAndQuery[..Math.Min(200, request.PathAndQuery.Length)]} ({request.Mutation}): {status} without the API's error shape: {body}");
                }
            }
        }
        for (var i = 0; i < 450; i++)
        {
            var request = fuzzer.NextRawRequest(gate.ApiAddress.Authority, token);
            var response = await RawHttp.SendAsync(gate.ApiAddress, request.Bytes, request.Ending, TimeSpan.FromSeconds(5));
            outcomes.Add((request.Mutation, response.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no answer"));
            if ((response.Status >= 500 && !IsKestrelRefusal(response.Status.Value, response.Body))
                || (response.Status is null && request.Ending == RawHttpEnding.Complete))
            {
                problems.Add($"raw ({request.Mutation}): {response.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no answer"} {response.Body}");
            }
            else if (response.IsJson && !HasApiErrorShape("application/json", response.Body) && response.Status >= 400)
            {
                problems.Add($"raw ({request.Mutation}): {response.Status} without the API's error shape: {response.Body}");
            }
        }
        var slow = await slowBody;
        outcomes.Add(("slow body", slow.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no answer"));
        var elapsed = watch.Elapsed;

        output.WriteLine($"{outcomes.Count} requests in {elapsed.TotalSeconds:0.0} s");
        foreach (var mutation in outcomes.GroupBy(outcome => outcome.Mutation).OrderBy(group => group.Key))
        {
            output.WriteLine($"{mutation.Key}: " + string.Join(", ", mutation.GroupBy(outcome => outcome.Status).OrderBy(group => group.Key).Select(group => $"{group.Key} x{group.Count()}")));
        }
        output.WriteLine($"slow body: {slow.Status} {slow.Body}");
        Assert.True(outcomes.Count >= 2000);
        Assert.True(problems.Count == 0, $"{problems.Count} problems:\n" + string.Join("\n", problems.Take(30)));
        Assert.Equal(408, slow.Status);
        Assert.True(HasApiErrorShape("application/json", slow.Body), slow.Body);
        var errors = gate.ErrorLines();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(5)));
        Assert.All(gate.Logs.Lines.Where(line => line.EventId == 7004), line => Assert.Null(line.Exception));
        Assert.Empty(gate.CoilWrites());

        await gate.AssertResidentCardGrantedAsync();
        using var after = gate.CreateApiClient();
        Assert.True((await after.GetAsync("/api/v1/persons/" + CardGate.ResidentId)).IsSuccessStatusCode);
    }

    [Fact]
    public async Task A_door_that_does_not_confirm_is_reported_in_plain_words_on_the_api_and_the_uplink()
    {
        await using var gate = await CardGate.StartAsync(peers, "dead-door", deadDoor: true);
        using var client = gate.CreateApiClient();

        using var response = await client.PostAsync($"/api/v1/doors/{CardGate.DeadDoorName}/unlock",
            new StringContent("""{"reason":"visitor at the side door","confirm":true}""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        await gate.Platform.SendCommandAsync("unlock",
            $$"""{"v":1,"id":"dead-1","door":"{{CardGate.DeadDoorName}}","expiresAt":"{{UplinkMessages.Timestamp(DateTimeOffset.UtcNow.AddSeconds(30))}}"}""", CancellationToken.None);
        await gate.Platform.WaitForCommandResultsAsync(1, TimeSpan.FromSeconds(30));
        var answer = gate.Platform.CommandResults.Single();

        output.WriteLine(body);
        output.WriteLine(answer.Json);
        Assert.Equal(System.Net.HttpStatusCode.BadGateway, response.StatusCode);
        using var document = JsonDocument.Parse(body);
        Assert.Equal("door_not_responding", document.RootElement.GetProperty("error").GetString());
        var detail = document.RootElement.GetProperty("detail").GetString()!;
        Assert.Equal("device_failed", answer.Code);
        foreach (var message in new[] { detail, answer.Message! })
        {
            Assert.StartsWith($"{CardGate.DeadDoorName} did not confirm the release: the gateway could not reach its lock", message, StringComparison.Ordinal);
            Assert.DoesNotContain("{", message, StringComparison.Ordinal);
            Assert.DoesNotContain("TransportError", message, StringComparison.Ordinal);
            Assert.DoesNotContain("no-such-relay-board", message, StringComparison.Ordinal);
        }
    }

    private static async Task SeedAsync(EdgeGateDatabase database)
    {
        foreach (var id in FuzzPersons)
        {
            Assert.True((await database.Persons.AddAsync(new Person { Id = id, DisplayName = "Fuzz " + id })).Succeeded);
        }
        foreach (var uid in FuzzCards)
        {
            await database.Cards.IssueAsync(uid, FuzzPersons[0], DateTimeOffset.UtcNow.AddDays(30));
        }
    }

    /// <summary>
    /// Kestrel's own answer to a request it cannot parse (request line, headers, version): it never
    /// reaches the API, so it comes with no body.
    /// </summary>
    private static bool IsKestrelRefusal(int status, string body) =>
        status is 400 or 414 or 431 or 505 && body.Length == 0;

    private static bool HasApiErrorShape(string? mediaType, string body)
    {
        if (mediaType != "application/json")
        {
            return false;
        }
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                && document.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String
                && detail.GetString()!.Length > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>A body that arrives a byte every half second: Kestrel's minimum data rate cuts it.</summary>
    private static async Task<RawHttpResponse> SlowBodyAsync(Uri server, string token)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server.Host, server.Port);
        var headers = $"POST /api/v1/persons/p-fz-2/renew HTTP/1.1\r\nHost: {server.Authority}\r\nAuthorization: Bearer {token}\r\n" +
            "Content-Type: application/json\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(headers), SocketFlags.None);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        var watch = Stopwatch.StartNew();
        var receiving = socket.ReceiveAsync(buffer, SocketFlags.None);
        while (watch.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (await Task.WhenAny(receiving, Task.Delay(500)) == receiving)
            {
                int count;
                try
                {
                    count = await receiving;
                }
                catch (SocketException)
                {
                    break;
                }
                if (count == 0)
                {
                    break;
                }
                received.Write(buffer, 0, count);
                receiving = socket.ReceiveAsync(buffer, SocketFlags.None);
                continue;
            }
            try
            {
                await socket.SendAsync("{"u8.ToArray(), SocketFlags.None);
            }
            catch (SocketException)
            {
                break;
            }
        }
        return RawHttp.Parse(received.ToArray());
    }
}
