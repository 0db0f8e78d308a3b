using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGate.Devices.Mqtt;
using EdgeGate.Configuration;
using EdgeGate.Tools.Simulator;
using EdgeGate.Gateway.Hosting;
using EdgeGate.Gateway.Tests.Enrolment;
using EdgeGate.TestSupport.Peers;
using EdgeGate.Vision.Models;
using Serilog.Events;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Uplink;

/// <summary>
/// Platform commands against the gateway as <c>edgegate run</c> builds it (<see cref="GatewayHost.Build"/>
/// from a configuration file, real SQLite, the uplink to a real mosquitto): what the host registers,
/// not what a test bed wires by hand.
/// </summary>
public sealed class UplinkHostCommandTests(ITestOutputHelper output)
{
    private const string Site = "host-site";
    private const string Gateway = "host-gw";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [FaceDataFact]
    public async Task The_running_gateway_enrols_from_photos_and_from_templates_of_its_model_and_reloads_its_configuration()
    {
        using var broker = await MosquittoBroker.StartAsync();
        var directory = Directory.CreateTempSubdirectory("edgegate-host-commands-").FullName;
        try
        {
            var path = Path.Combine(directory, "edgegate.json");
            await File.WriteAllTextAsync(path, new JsonObject
            {
                ["Gateway"] = new JsonObject
                {
                    ["SiteId"] = Site,
                    ["GatewayId"] = Gateway,
                    ["DataDirectory"] = Path.Combine(directory, "data"),
                    ["CredentialsDirectory"] = Path.Combine(directory, "credentials"),
                    ["LogDirectory"] = Path.Combine(directory, "logs"),
                },
                ["Uplink"] = new JsonObject
                {
                    ["Enabled"] = true,
                    ["Host"] = MosquittoBroker.Host,
                    ["Port"] = broker.Port,
                    ["PollInterval"] = "00:00:00.100",
                    ["ReconnectDelayMaximum"] = "00:00:02",
                },
                ["Api"] = new JsonObject { ["Enabled"] = false },
            }.ToJsonString());
            var settings = EdgeGateSettings.Load(path);
            await using var app = GatewayHost.Build(settings, consoleLevel: LogEventLevel.Warning, configurationPath: path);
            await using var platformClient = new SupervisedMqttClient(UplinkTestBed.ClientOptions(broker.Port, "platform-host"));
            await using var platform = new PlatformSimulator(platformClient, Site, Gateway);
            using (var limit = new CancellationTokenSource(Wait))
            {
                await platformClient.ConnectAsync(limit.Token);
                await platform.StartAsync(limit.Token);
                await app.StartAsync(limit.Token);
            }
            try
            {
                // The gateway asks for person-list changes once its command subscription is in place.
                await UplinkDeliveryTests.WaitUntilAsync(() => Task.FromResult(platform.GalleryRequests.Count > 0), "the gateway's gallery request", Wait);

                var photo = FacePipelineFixture.FaceData!.Photos.First(candidate => candidate.Path == "deepface/img12.jpg");
                var jpeg = Convert.ToBase64String(await File.ReadAllBytesAsync(photo.FullPath));
                var byPhoto = await SendAsync(platform, "enrol",
                    $$"""{"v":1,"id":"host-1","personId":"p-photo","displayName":"Photo Resident","consentAt":"2026-11-01T00:00:00Z","photos":[{"contentType":"image/jpeg","data":"{{jpeg}}"}]}""");
                Assert.True(byPhoto.GetProperty("ok").GetBoolean(), byPhoto.ToString());
                Assert.Equal(1, byPhoto.GetProperty("data").GetProperty("templatesAdded").GetInt32());

                var modelId = ModelCatalog.Locate().Get(ModelNames.Embedding).ModelId;
                var embedding = string.Join(",", Enumerable.Range(0, 512).Select(i => ((i % 7) - 3).ToString(CultureInfo.InvariantCulture)));
                var byTemplate = await SendAsync(platform, "enrol",
                    $$"""{"v":1,"id":"host-2","personId":"p-template","displayName":"Template Resident","consentAt":"2026-11-01T00:00:00Z","templates":[{"modelId":"{{modelId}}","embedding":[{{embedding}}]}]}""");
                Assert.True(byTemplate.GetProperty("ok").GetBoolean(), byTemplate.ToString());

                var reloaded = await SendAsync(platform, "config_reload", """{"v":1,"id":"host-3"}""");
                Assert.True(reloaded.GetProperty("ok").GetBoolean(), reloaded.ToString());
                output.WriteLine($"{byPhoto}\n{byTemplate}\n{reloaded}");
            }
            finally
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                await app.StopAsync(stop.Token);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<JsonElement> SendAsync(PlatformSimulator platform, string name, string json)
    {
        var before = platform.CommandResults.Count;
        await platform.SendCommandAsync(name, json, CancellationToken.None);
        await platform.WaitForCommandResultsAsync(before + 1, Wait);
        using var document = JsonDocument.Parse(platform.CommandResults.Last().Json);
        return document.RootElement.Clone();
    }
}
