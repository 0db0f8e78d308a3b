using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EdgeGate.Api;
using EdgeGate.Access;
using EdgeGate.Gateway.Tests.Live;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Api;

/// <summary>
/// The property office's API calls against the gateway as <c>edgegate run</c> builds it, with the real
/// face pipeline and a camera on the RTSP test server streaming a resident's face: add a person, consent,
/// enrol a photo or a capture from the camera, issue cards; and every refusal on the way.
/// </summary>
public sealed class OfficeApiTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [FaceDataFact]
    public async Task Persons_are_added_with_field_errors_and_conflicts_and_every_new_route_needs_the_token()
    {
        await using var gateway = await OfficeGateway.StartAsync("add");
        using var client = gateway.CreateClient();

        foreach (var (method, path) in new[] { ("POST", "persons"), ("POST", "persons/r-1/photos"), ("POST", "persons/r-1/capture?camera=gate-cam"), ("POST", "persons/r-1/capture/preview?camera=gate-cam"), ("GET", "persons/r-1/capture/abc.jpg"), ("POST", "cards") })
        {
            using var anonymous = gateway.CreateClient(token: "");
            using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/v1/{path}") { Content = JsonContent.Create(new { id = "r-1", name = "X" }) };
            using var answer = await anonymous.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        }
        Assert.Null(await gateway.Database.Persons.GetAsync("r-1"));

        // Every wrong field is named at once.
        var invalid = await client.PostAsJsonAsync("/api/v1/persons", new { id = "no spaces/please", name = " ", category = "tenant", from = "2027-02-30", until = "2020-01-01", consent = new { recordedBy = "" } });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var fields = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("fields");
        Assert.Equal(["category", "consent.recordedBy", "from", "id", "name", "until"], fields.EnumerateObject().Select(field => field.Name).Order(StringComparer.Ordinal));
        Assert.Contains("in the past", fields.GetProperty("until").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/api/v1/persons", new StringContent("{\"id\": ", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Empty(await gateway.Database.Persons.ListAsync());

        var lastDay = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var added = await client.PostAsJsonAsync("/api/v1/persons", new { id = "r-1", name = "Rui Costa", unit = "A-101", category = "staff", until = lastDay, watchList = false });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var person = await added.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Staff", person.GetProperty("category").GetString());
        Assert.Equal(JsonValueKind.Null, person.GetProperty("consentAt").ValueKind);
        var stored = await gateway.Database.Persons.GetAsync("r-1");
        Assert.Equal(new DateTimeOffset(DateOnly.Parse(lastDay, System.Globalization.CultureInfo.InvariantCulture).ToDateTime(new TimeOnly(23, 59, 59, 999)), TimeSpan.Zero), stored!.ValidUntil);

        var again = await client.PostAsJsonAsync("/api/v1/persons", new { id = "r-1", name = "Someone Else" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("Rui Costa", (await gateway.Database.Persons.GetAsync("r-1"))!.DisplayName);

        var withConsent = await client.PostAsJsonAsync("/api/v1/persons", new { id = "r-2", name = "Ana Lima", consent = new { recordedBy = "Wang (office)" } });
        Assert.Equal(HttpStatusCode.Created, withConsent.StatusCode);
        Assert.True((await gateway.Database.Persons.GetAsync("r-2"))!.HasRecordedConsent);
        Assert.Equal("Wang (office)", (await gateway.Database.Persons.GetAsync("r-2"))!.ConsentRecordedBy);
    }

    [FaceDataFact]
    public async Task Photos_and_camera_captures_are_enrolled_only_with_consent_refusals_are_named_and_the_gate_recognises_the_face_at_once()
    {
        await using var gateway = await OfficeGateway.StartAsync("enrol");
        using var client = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/persons", new { id = "r-1", name = "Rui Costa" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/persons", new { id = "r-2", name = "Ana Lima", consent = new { recordedBy = "Wang (office)" } })).StatusCode);

        // Without recorded consent nothing is looked at: neither a photo nor the camera.
        var streamed = await File.ReadAllBytesAsync(OfficePhotos.Streamed);
        await ExpectErrorAsync(await client.PostAsync("/api/v1/persons/r-1/photos", Jpeg(streamed)), HttpStatusCode.Conflict, "consent_required");
        await ExpectErrorAsync(await client.PostAsync("/api/v1/persons/r-1/capture/preview?camera=gate-cam", null), HttpStatusCode.Conflict, "consent_required");
        await ExpectErrorAsync(await client.PostAsync("/api/v1/persons/r-1/capture?camera=gate-cam", null), HttpStatusCode.Conflict, "consent_required");
        Assert.Empty(await gateway.Database.Templates.ListForPersonAsync("r-1"));

        // A text file is no photo, as text or as a "JPEG"; a group photo has several faces.
        using (var text = new StringContent("minutes of the residents' meeting", Encoding.UTF8, "text/plain"))
        {
            await ExpectErrorAsync(await client.PostAsync("/api/v1/persons/r-2/photos", text), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        }
        await ExpectErrorAsync(await client.PostAsync("/api/v1/persons/r-2/photos", Jpeg(Encoding.UTF8.GetBytes("minutes of the residents' meeting"))), HttpStatusCode.UnprocessableEntity, "unreadable_image");
        await ExpectErrorAsync(await client.PostAsync("/api/v1/persons/r-2/photos", Jpeg(await File.ReadAllBytesAsync(OfficePhotos.Group))), HttpStatusCode.UnprocessableEntity, "several_faces");
        await ExpectErrorAsync(await client.PostAsync("/api/v1/persons/nobody/photos", Jpeg(streamed)), HttpStatusCode.NotFound, "not_found");
        Assert.Empty(await gateway.Database.Templates.ListForPersonAsync("r-2"));

        // Another person's photo enrols r-2.
        var photo = await client.PostAsync("/api/v1/persons/r-2/photos", Jpeg(await File.ReadAllBytesAsync(OfficePhotos.Other)));
        var photoText = await photo.Content.ReadAsStringAsync();
        output.WriteLine(photoText);
        Assert.Equal(HttpStatusCode.Created, photo.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(photoText).RootElement.GetProperty("templateCount").GetInt32());

        // r-1 consents; the camera's face is previewed, looked at, and saved.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/persons/r-1/consent", new { recordedBy = "Wang (office)" })).StatusCode);
        await ExpectErrorAsync(await client.PostAsync("/api/v1/persons/r-1/capture/preview?camera=back-door", null), HttpStatusCode.NotFound, "not_found");
        await ExpectErrorAsync(await client.PostAsync("/api/v1/persons/r-1/capture", null), HttpStatusCode.BadRequest, "bad_request");
        var previewText = await OfficeGateway.PollAsync(async () =>
        {
            var answer = await client.PostAsync("/api/v1/persons/r-1/capture/preview?camera=gate-cam", null);
            if (answer.StatusCode == HttpStatusCode.Created)
            {
                return await answer.Content.ReadAsStringAsync();
            }
            await ExpectErrorAsync(answer, HttpStatusCode.UnprocessableEntity, "no_face");
            return null;
        }, Bound, "face in view of the gate camera");
        output.WriteLine(previewText);
        var preview = JsonDocument.Parse(previewText).RootElement;
        var captureId = preview.GetProperty("captureId").GetString()!;
        Assert.Equal("gate-cam", preview.GetProperty("camera").GetString());
        var image = await client.GetAsync(preview.GetProperty("image").GetString());
        Assert.Equal("image/jpeg", image.Content.Headers.ContentType?.MediaType);
        var jpeg = await image.Content.ReadAsByteArrayAsync();
        Assert.True(jpeg.Length > 1000 && jpeg[0] == 0xFF && jpeg[1] == 0xD8, $"{jpeg.Length} bytes");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/persons/r-2/capture/{captureId}.jpg")).StatusCode);

        var saved = await client.PostAsync($"/api/v1/persons/r-1/capture?captureId={captureId}", null);
        var savedAt = Stopwatch.StartNew();
        var savedText = await saved.Content.ReadAsStringAsync();
        output.WriteLine(savedText);
        Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(savedText).RootElement.GetProperty("templateCount").GetInt32());
        var template = Assert.Single(await gateway.Database.Templates.ListForPersonAsync("r-1"));

        // The running gate's gallery holds the new template within a second of the answer.
        await OfficeGateway.PollAsync(() => Task.FromResult(gateway.Gallery.ContainsTemplate(template.Id) ? "" : null), TimeSpan.FromSeconds(5), "new template in the gate's gallery");
        var reached = savedAt.Elapsed;
        output.WriteLine($"template in the gate's gallery {reached.TotalMilliseconds:F0} ms after the answer");
        Assert.True(reached < TimeSpan.FromSeconds(1), $"{reached.TotalMilliseconds:F0} ms");

        // A held capture is used once.
        await ExpectErrorAsync(await client.PostAsync($"/api/v1/persons/r-1/capture?captureId={captureId}", null), HttpStatusCode.NotFound, "not_found");

        // The same face captured for r-2 is someone else's: refused, nothing stored.
        var duplicate = await OfficeGateway.PollAsync(async () =>
        {
            var answer = await client.PostAsync("/api/v1/persons/r-2/capture?camera=gate-cam", null);
            return answer.StatusCode == HttpStatusCode.UnprocessableEntity ? null : answer;
        }, Bound, "a capture for r-2");
        await ExpectErrorAsync(duplicate, HttpStatusCode.Conflict, "possible_duplicate");
        Assert.Single(await gateway.Database.Templates.ListForPersonAsync("r-2"));

        // Next time the resident stands at the gate, the gate knows them.
        var decision = await OfficeGateway.PollAsync(
            () => Task.FromResult(gateway.Feed.Recent.OfType<DecisionMade>().FirstOrDefault(made => made.Decision.PersonId == "r-1")),
            Bound, "a decision for r-1");
        output.WriteLine($"{decision.Decision.ReasonCode}: {decision.Decision.Message}");

        // A moved-out person cannot be enrolled.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/persons/r-2/deregister", new { confirm = "r-2" })).StatusCode);
        await ExpectErrorAsync(await client.PostAsync("/api/v1/persons/r-2/capture/preview?camera=gate-cam", null), HttpStatusCode.Conflict, "conflict");
    }

    [FaceDataFact]
    public async Task Cards_are_issued_with_field_errors_renewed_and_revoked()
    {
        await using var gateway = await OfficeGateway.StartAsync("cards");
        using var client = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/persons", new { id = "r-1", name = "Rui Costa" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/persons", new { id = "r-2", name = "Ana Lima" })).StatusCode);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        string Day(int days) => today.AddDays(days).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var invalid = await client.PostAsJsonAsync("/api/v1/cards", new { uid = "has space", until = "31/12/2027" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var fields = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("fields");
        Assert.Equal(["person", "uid", "until"], fields.EnumerateObject().Select(field => field.Name).Order(StringComparer.Ordinal));
        var past = await client.PostAsJsonAsync("/api/v1/cards", new { uid = "04A1", person = "r-1", until = Day(-1) });
        Assert.Contains("in the past", (await past.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("fields").GetProperty("until").GetString(), StringComparison.Ordinal);
        await ExpectErrorAsync(await client.PostAsJsonAsync("/api/v1/cards", new { uid = "04A1", person = "nobody", until = Day(30) }), HttpStatusCode.NotFound, "not_found");
        Assert.Empty(await gateway.Database.Cards.ListAsync());

        var issued = await client.PostAsJsonAsync("/api/v1/cards", new { uid = "04a1b2", person = "r-1", until = Day(30) });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var card = await issued.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("04A1B2", "r-1", Day(30)), (card.GetProperty("uid").GetString(), card.GetProperty("personId").GetString(), card.GetProperty("lastDay").GetString()));
        await ExpectErrorAsync(await client.PostAsJsonAsync("/api/v1/cards", new { uid = "04A1B2", person = "r-2", until = Day(30) }), HttpStatusCode.Conflict, "conflict");

        var renewed = await client.PostAsJsonAsync("/api/v1/cards/04A1B2/renew", new { until = Day(400) });
        Assert.Equal(Day(400), (await renewed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lastDay").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/cards/04A1B2/revoke", null)).StatusCode);
        // A revoked card's number may go to someone else.
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/cards", new { uid = "04A1B2", person = "r-2", until = Day(30) })).StatusCode);
        Assert.Equal("r-2", (await gateway.Database.Cards.GetByUidAsync("04A1B2"))!.PersonId);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/persons/r-1/suspend", null)).StatusCode);
        await ExpectErrorAsync(await client.PostAsJsonAsync("/api/v1/cards", new { uid = "05C3", person = "r-1", until = Day(30) }), HttpStatusCode.Conflict, "conflict");
    }

    private static ByteArrayContent Jpeg(byte[] photo)
    {
        var content = new ByteArrayContent(photo);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return content;
    }

    private async Task ExpectErrorAsync(HttpResponseMessage answer, HttpStatusCode status, string code)
    {
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == status, $"{(int)answer.StatusCode} {text}; expected {(int)status} {code}");
        var error = JsonSerializer.Deserialize<ApiError>(text, JsonSerializerOptions.Web);
        Assert.Equal(code, error!.Error);
        Assert.False(string.IsNullOrWhiteSpace(error.Detail));
        output.WriteLine($"{(int)status} {code}: {error.Detail}");
    }
}
