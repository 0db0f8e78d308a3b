using System.Diagnostics;
using EdgeGate.Access;
using EdgeGate.Api;
using EdgeGate.Configuration;
using EdgeGate.Evaluation;
using EdgeGate.Gallery;
using EdgeGate.Gateway.Hosting;
using EdgeGate.Gateway.Tests.Live;
using EdgeGate.Storage;
using EdgeGate.TestSupport;
using EdgeGate.TestSupport.Peers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace EdgeGate.Gateway.Tests.Api;

/// <summary>
/// Photos of ../shared/face-data for the property office's tests: <see cref="Streamed"/> (a resident in
/// front of the gate camera), <see cref="Other"/> (another person), <see cref="Group"/> (several faces).
/// </summary>
public static class OfficePhotos
{
    private static readonly Lazy<IReadOnlyList<LabelledPhoto>> Photos = new(() =>
        LabelledPhotoSet.Load(Path.Combine(RepositoryPaths.FaceData, "labels.csv"), RepositoryPaths.FaceData).Photos);

    public static string Streamed => First("deepface_id00");

    public static string Other => First("deepface_id01");

    public static string Group => Photos.Value.First(photo => photo.Path == "deepface/couple.jpg").FullPath;

    private static string First(string label) => Photos.Value
        .Where(photo => photo.Label == label && !photo.IsDuplicate && !photo.MultiFace)
        .OrderBy(photo => photo.Path, StringComparer.Ordinal)
        .First().FullPath;
}

/// <summary>
/// The gateway as <c>edgegate run</c> builds it (<see cref="GatewayHost.Build"/>) on a fresh data folder:
/// the API on a free loopback port, one camera on the GStreamer RTSP test server streaming
/// <see cref="OfficePhotos.Streamed"/> (with a blank second between loops, so each loop is a new face
/// track), a log-only door, no uplink. Disposing stops the gateway and the stream and removes the folder.
/// </summary>
public sealed class OfficeGateway : IAsyncDisposable
{
    public const string CameraName = "gate-cam";
    public const string DoorName = "main-gate";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly RtspTestServer server;

    private OfficeGateway(RtspTestServer server, WebApplication app, EdgeGateSettings settings, string directory)
    {
        this.server = server;
        App = app;
        Settings = settings;
        Directory = directory;
    }

    public WebApplication App { get; }

    public EdgeGateSettings Settings { get; }

    public string Directory { get; }

    public Uri BaseAddress => new(Settings.Api.Url);

    public string Token => File.ReadAllText(ApiTokenStore.PathIn(GatewayDatabase.CredentialsDirectory(Settings))).Trim();

    public EdgeGateDatabase Database => App.Services.GetRequiredService<EdgeGateDatabase>();

    /// <summary>The recognition loop's gallery (what the gate matches against).</summary>
    public FaceGallery Gallery => App.Services.GetRequiredService<FaceGallery>();

    public DecisionFeed Feed => App.Services.GetRequiredService<DecisionFeed>();

    public static async Task<OfficeGateway> StartAsync(string name)
    {
        var (width, height) = LiveFaceData.StreamSizeFor(OfficePhotos.Streamed);
        var server = await RtspTestServer.StartAsync([RtspSegment.Blank(1), RtspSegment.Image(OfficePhotos.Streamed, 6)], width, height);
        var directory = System.IO.Directory.CreateTempSubdirectory($"edgegate-office-{name}-").FullName;
        WebApplication? app = null;
        try
        {
            var settings = new EdgeGateSettings
            {
                Gateway = new GatewayOptions
                {
                    SiteId = "office-site",
                    GatewayId = $"office-{name}",
                    DataDirectory = directory,
                    CredentialsDirectory = Path.Combine(directory, "credentials"),
                    LogDirectory = Path.Combine(directory, "logs"),
                    TimeZone = "UTC",
                },
                Cameras = [new CameraOptions { Name = CameraName, Url = server.Url, Door = DoorName, AnalyseFps = 8 }],
                Doors = [new DoorOptions { Name = DoorName, Kind = DoorKind.Log }],
                Api = new ApiOptions { Enabled = true, Url = $"http://127.0.0.1:{PeerProcess.FreeTcpPort()}" },
            };
            var problems = settings.Validate();
            Assert.True(problems.Count == 0, string.Join("; ", problems));
            app = GatewayHost.Build(settings, consoleLevel: LogEventLevel.Warning);
            using (var start = new CancellationTokenSource(StartTimeout))
            {
                await app.StartAsync(start.Token);
            }
            return new OfficeGateway(server, app, settings, directory);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
            server.Dispose();
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>A client for the API; with <paramref name="token"/> null it sends the gateway's token, with "" none.</summary>
    public HttpClient CreateClient(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        token ??= Token;
        if (token.Length > 0)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    /// <summary>Polls <paramref name="probe"/> until it yields something, failing with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task<T> PollAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : class
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"no {what} within {timeout.TotalSeconds:0} s");
            }
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var stop = new CancellationTokenSource(StopTimeout);
            await App.StopAsync(stop.Token);
            await App.DisposeAsync();
        }
        finally
        {
            server.Dispose();
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // A log file still being closed; the temp directory is cleaned by the system.
            }
        }
    }
}
