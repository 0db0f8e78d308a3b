using System.Text;
using System.Text.Json;
using EdgeGate.Recognition.Enrolment;
using EdgeGate.Uplink.Commands;
using EdgeGate.Gateway.Tests.Enrolment;
using EdgeGate.TestSupport.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Uplink;

/// <summary>
/// The platform's enrol command with photos: the templates are computed on the box by the real face
/// pipeline (../shared/face-data), stored for the gateway's model, and the command is applied once.
/// </summary>
[Collection(EnrolmentCollection.Name)]
public sealed class EnrolCommandPhotoTests(FacePipelineFixture fixture, ITestOutputHelper output)
{
    [FaceDataFact]
    public async Task Enrol_with_photos_computes_the_templates_on_the_box_and_is_applied_once()
    {
        await using var store = await TestDatabase.OpenNewAsync(time: TimeProvider.System);
        using var enrolment = new EnrolmentService(store.Db, fixture.Pipeline);
        var dispatcher = new PlatformCommandDispatcher(
            [new EnrolCommandHandler(store.Db, new TemplateSettings(enrolment.ModelId, 512), TimeProvider.System, enrolment)],
            store.Db, 4 * 1024 * 1024, TimeProvider.System, NullLogger<PlatformCommandDispatcher>.Instance);
        var photos = FacePipelineFixture.FaceData!.Photos
            .Where(photo => photo.IsLabelled && !photo.IsDuplicate && !photo.MultiFace)
            .OrderBy(photo => new FileInfo(photo.FullPath).Length)
            .Take(5)
            .ToList();

        JsonElement applied = default;
        var id = "";
        foreach (var photo in photos)
        {
            id = $"enrol-{Path.GetFileNameWithoutExtension(photo.Path)}";
            applied = await DispatchAsync(dispatcher, id, photo.FullPath);
            if (applied.GetProperty("ok").GetBoolean())
            {
                break;
            }
            // A photo the quality gate refuses is answered with the reason, not applied.
            output.WriteLine($"{photo.Path}: {applied}");
            Assert.Equal("invalid_field", applied.GetProperty("code").GetString());
        }

        output.WriteLine(applied.ToString());
        Assert.True(applied.GetProperty("ok").GetBoolean(), applied.ToString());
        var data = applied.GetProperty("data");
        Assert.Equal("p-photo", data.GetProperty("personId").GetString());
        Assert.True(data.GetProperty("templatesAdded").GetInt32() >= 1);
        var templates = await store.Db.Templates.ListForPersonAsync("p-photo");
        Assert.NotEmpty(templates);
        Assert.All(templates, template => Assert.Equal(enrolment.ModelId, template.ModelId));

        var replay = await DispatchAsync(dispatcher, id, photos[0].FullPath);
        Assert.True(replay.GetProperty("replay").GetBoolean(), replay.ToString());
        Assert.Equal(templates.Count, (await store.Db.Templates.ListForPersonAsync("p-photo")).Count);
    }

    private static async Task<JsonElement> DispatchAsync(PlatformCommandDispatcher dispatcher, string id, string photoPath)
    {
        var jpeg = Convert.ToBase64String(await File.ReadAllBytesAsync(photoPath));
        var command = $$"""{"v":1,"id":"{{id}}","personId":"p-photo","displayName":"Photo Resident","consentAt":"2026-11-01T00:00:00Z","photos":[{"contentType":"image/jpeg","data":"{{jpeg}}"}]}""";
        var answer = await dispatcher.DispatchAsync("enrol", Encoding.UTF8.GetBytes(command), CancellationToken.None);
        using var document = JsonDocument.Parse(answer);
        return document.RootElement.Clone();
    }
}
