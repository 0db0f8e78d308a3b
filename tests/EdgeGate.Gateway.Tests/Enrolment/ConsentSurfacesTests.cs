using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGate.Api;
using EdgeGate.Core.Persons;
using EdgeGate.Gateway.Cli;
using EdgeGate.Gateway.Tests.Api;
using EdgeGate.Gateway.Tests.Cli;
using EdgeGate.Imaging;
using EdgeGate.Recognition.Enrolment;
using EdgeGate.Storage;
using EdgeGate.TestSupport;
using EdgeGate.TestSupport.Storage;
using EdgeGate.Uplink.Commands;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Enrolment;

/// <summary>
/// Enrolment needs recorded consent on all three surfaces (command line, HTTP API, platform command),
/// is refused with <c>consent_required</c> otherwise, and a refused photo names its reason there.
/// Photos are cut from the MIT sample photos (.deps/samples) with the real face pipeline.
/// </summary>
[Collection(EnrolmentCollection.Name)]
public sealed class ConsentSurfacesTests(FacePipelineFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task The_api_refuses_a_face_without_consent_then_enrols_it_names_refusals_and_deletes_on_withdrawal()
    {
        await using var host = await ConsoleTestHost.StartAsync(configureServices: (services, settings) =>
            services.AddSingleton(provider => new PhotoEnrolment(settings, provider.GetRequiredService<EdgeGateDatabase>(), provider.GetRequiredService<ILogger<PhotoEnrolment>>())));
        using var client = host.CreateClient();
        Assert.True((await host.Database.Persons.AddAsync(new Person { Id = "p-ana", DisplayName = "Ana Lima" })).Succeeded);
        var (portrait, group, wall) = Photos();

        var refused = await client.PostAsync("/api/v1/persons/p-ana/photos", Jpeg(portrait));
        Assert.Equal(("consent_required", HttpStatusCode.Conflict), (await ErrorCodeAsync(refused), refused.StatusCode));
        Assert.Empty(await host.Database.Templates.ListForPersonAsync("p-ana"));

        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/v1/persons/p-ana/consent", new { })).StatusCode);
        var consent = await client.PostAsJsonAsync("/api/v1/persons/p-ana/consent", new { recordedBy = "Wang (office)" });
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        var view = await consent.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Wang (office)", view.GetProperty("consentRecordedBy").GetString());

        // A photo of several megapixels is more than the API's usual 16 KiB body: this route takes it.
        Assert.True(portrait.Length > AdminApiLimits.MaximumRequestBodyBytes, $"{portrait.Length} bytes");
        var enrolled = await client.PostAsync("/api/v1/persons/p-ana/photos", Jpeg(portrait));
        var enrolledText = await enrolled.Content.ReadAsStringAsync();
        output.WriteLine(enrolledText);
        Assert.Equal(HttpStatusCode.Created, enrolled.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(enrolledText).RootElement.GetProperty("templatesAdded").GetInt32());
        Assert.Equal(1, JsonDocument.Parse(enrolledText).RootElement.GetProperty("templateCount").GetInt32());

        foreach (var (photo, code) in new[] { (group, "several_faces"), (wall, "no_face") })
        {
            var answer = await client.PostAsync("/api/v1/persons/p-ana/photos", Jpeg(photo));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.StatusCode);
            Assert.Equal(code, await ErrorCodeAsync(answer));
        }
        using (var text = new StringContent("not a photo", Encoding.UTF8, "text/plain"))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.PostAsync("/api/v1/persons/p-ana/photos", text)).StatusCode);
        }
        // A text file sent as a JPEG is no photo either.
        using (var notAPhoto = new ByteArrayContent(Encoding.UTF8.GetBytes("these are minutes of the residents' meeting, not a photo")))
        {
            notAPhoto.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            var answer = await client.PostAsync("/api/v1/persons/p-ana/photos", notAPhoto);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.StatusCode);
            Assert.Equal("unreadable_image", await ErrorCodeAsync(answer));
        }
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/v1/persons/nobody/photos", Jpeg(portrait))).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/v1/persons/p-ana/consent/withdraw", new { })).StatusCode);
        var withdrawn = await client.PostAsJsonAsync("/api/v1/persons/p-ana/consent/withdraw", new { confirm = "p-ana" });
        var withdrawal = await withdrawn.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, withdrawal.GetProperty("templatesDeleted").GetInt32());
        Assert.Equal(JsonValueKind.Null, withdrawal.GetProperty("person").GetProperty("consentAt").ValueKind);
        Assert.Empty(await host.Database.Templates.ListForPersonAsync("p-ana"));
        Assert.Equal("consent_required", await ErrorCodeAsync(await client.PostAsync("/api/v1/persons/p-ana/photos", Jpeg(portrait))));
    }

    [Fact]
    public async Task The_command_line_refuses_enrolment_without_consent_records_who_took_it_and_withdraws()
    {
        var directory = Directory.CreateTempSubdirectory("edgegate-consent-cli-").FullName;
        try
        {
            var config = Path.Combine(directory, "edgegate.json");
            await File.WriteAllTextAsync(config, new JsonObject { ["Gateway"] = InProcessCli.GatewaySection(directory) }.ToJsonString());
            var (portrait, group, _) = Photos();
            var portraitPath = Path.Combine(directory, "portrait.jpg");
            var groupPath = Path.Combine(directory, "group.jpg");
            await File.WriteAllBytesAsync(portraitPath, portrait);
            await File.WriteAllBytesAsync(groupPath, group);
            Task<InProcessCli.Result> RunAsync(params string[] arguments) =>
                InProcessCli.RunAsync([PersonsCommand.Create(new StringReader("yes\n")), EnrolCommand.Create()], [.. arguments, "--config", config], output);

            Assert.Equal(0, (await RunAsync("persons", "add", "r-1", "--name", "Resident One")).ExitCode);
            Assert.Contains("- (none recorded: no face data may be enrolled)", (await RunAsync("persons", "show", "r-1")).Output, StringComparison.Ordinal);
            var refused = await RunAsync("enrol", "r-1", "--photo", portraitPath);
            Assert.Equal(ExitCodes.Refused, refused.ExitCode);
            Assert.Contains("consent_required", refused.Error, StringComparison.Ordinal);

            Assert.Equal(ExitCodes.Usage, (await RunAsync("persons", "consent", "r-1", "--at", "2099-01-01")).ExitCode);
            Assert.Equal(0, (await RunAsync("persons", "consent", "r-1", "--by", "Ana (office)")).ExitCode);
            Assert.Contains("by Ana (office)", (await RunAsync("persons", "show", "r-1")).Output, StringComparison.Ordinal);
            var rejected = await RunAsync("enrol", "r-1", "--photo", groupPath);
            Assert.Equal(ExitCodes.Refused, rejected.ExitCode);
            Assert.Contains("more than one face", rejected.Output + rejected.Error, StringComparison.Ordinal);
            Assert.Equal(0, (await RunAsync("enrol", "r-1", "--photo", portraitPath)).ExitCode);

            var withdrawn = await RunAsync("persons", "consent", "r-1", "--withdraw");
            Assert.Equal(0, withdrawn.ExitCode);
            Assert.Contains("1 face template(s) and 0 photo(s) deleted", withdrawn.Output, StringComparison.Ordinal);
            Assert.Contains("face templates: none", (await RunAsync("persons", "show", "r-1")).Output, StringComparison.Ordinal);
            Assert.Equal(ExitCodes.Refused, (await RunAsync("enrol", "r-1", "--photo", portraitPath)).ExitCode);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task The_platform_command_is_refused_without_consent_names_a_refused_photo_and_withdraws()
    {
        await using var store = await TestDatabase.OpenNewAsync(time: TimeProvider.System);
        using var enrolment = new EnrolmentService(store.Db, fixture.Pipeline);
        var dispatcher = new PlatformCommandDispatcher(
            [
                new EnrolCommandHandler(store.Db, new TemplateSettings(enrolment.ModelId, 512), TimeProvider.System, enrolment),
                new UpdatePersonCommandHandler(store.Db),
            ],
            store.Db, 4 * 1024 * 1024, TimeProvider.System, NullLogger<PlatformCommandDispatcher>.Instance);
        var (portrait, _, wall) = Photos();
        string Enrol(string id, byte[] photo, string consent) =>
            $$"""{"v":1,"id":"{{id}}","personId":"p-1","displayName":"Resident"{{consent}},"photos":[{"contentType":"image/jpeg","data":"{{Convert.ToBase64String(photo)}}"}]}""";

        var refused = await DispatchAsync(dispatcher, "enrol", Enrol("c-1", portrait, ""));
        Assert.Equal("consent_required", refused.GetProperty("code").GetString());
        Assert.Null(await store.Db.Persons.GetAsync("p-1"));

        const string consent = ",\"consentAt\":\"2026-11-01T09:00:00Z\",\"consentRecordedBy\":\"Li (platform user 7)\"";
        var noFace = await DispatchAsync(dispatcher, "enrol", Enrol("c-2", wall, consent));
        output.WriteLine(noFace.ToString());
        Assert.Equal("invalid_field", noFace.GetProperty("code").GetString());
        Assert.Equal("no_face", noFace.GetProperty("data").GetProperty("refusedPhotoCodes").GetProperty("photos[0]").GetString());

        var enrolled = await DispatchAsync(dispatcher, "enrol", Enrol("c-3", portrait, consent));
        Assert.True(enrolled.GetProperty("ok").GetBoolean(), enrolled.ToString());
        Assert.Equal("Li (platform user 7)", (await store.Db.Persons.GetAsync("p-1"))!.ConsentRecordedBy);

        var withdrawn = await DispatchAsync(dispatcher, "update_person", """{"v":1,"id":"c-4","personId":"p-1","withdrawConsent":true}""");
        Assert.True(withdrawn.GetProperty("ok").GetBoolean(), withdrawn.ToString());
        Assert.Equal(1, withdrawn.GetProperty("data").GetProperty("templatesDeleted").GetInt32());
        Assert.Empty(await store.Db.Templates.ListForPersonAsync("p-1"));
        Assert.False((await store.Db.Persons.GetAsync("p-1"))!.HasRecordedConsent);
    }

    /// <summary>A single-face portrait cut from a sample group photo, the group photo, and a photo of a wall.</summary>
    private (byte[] Portrait, byte[] Group, byte[] Wall) Photos()
    {
        var groupPath = Path.Combine(RepositoryPaths.Root, ".deps", "samples", "sample1.jpg");
        using var group = BgrImage.Load(groupPath);
        var face = fixture.Pipeline.Analyse(group.AsReadOnlySpan()).MaxBy(found => found.Quality.SizePixels)!;
        var side = Math.Min(Math.Min(group.Width, group.Height), face.SquareBox.Width * 2);
        var x = Math.Clamp(face.SquareBox.X + (face.SquareBox.Width / 2) - (side / 2), 0, group.Width - side);
        var y = Math.Clamp(face.SquareBox.Y + (face.SquareBox.Height / 2) - (side / 2), 0, group.Height - side);
        using var wall = BgrImage.Create(320, 240);
        wall.Pixels.Fill(200);
        return (ImageOps.EncodeJpeg(group.AsReadOnlySpan().Slice(x, y, side, side), 95), File.ReadAllBytes(groupPath), wall.EncodeJpeg());
    }

    private static ByteArrayContent Jpeg(byte[] photo)
    {
        var content = new ByteArrayContent(photo);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return content;
    }

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<ApiError>())?.Error;

    private static async Task<JsonElement> DispatchAsync(PlatformCommandDispatcher dispatcher, string name, string command)
    {
        var answer = await dispatcher.DispatchAsync(name, Encoding.UTF8.GetBytes(command), CancellationToken.None);
        using var document = JsonDocument.Parse(answer);
        return document.RootElement.Clone();
    }
}
