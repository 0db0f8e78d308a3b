using EdgeGate.Configuration;
using EdgeGate.Api;
using EdgeGate.Access;
using EdgeGate.Storage;
using EdgeGate.Storage.Privacy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Gateway.Tests.Api;

/// <summary>
/// The local API and console on a real Kestrel (127.0.0.1, a free port) over a real SQLite database in
/// a temporary directory, with the token created in a temporary credentials directory. The live parts
/// default to test implementations that the test drives (<see cref="Feed"/>, <see cref="Cameras"/>,
/// <see cref="Unlock"/>); an end-to-end test registers the real ones through
/// <c>configureServices</c> (registrations there win). Everything is removed on dispose.
/// </summary>
public sealed class ConsoleTestHost : IAsyncDisposable
{
    public const string DoorName = "main-gate";
    public const string SiteTimeZone = "Asia/Shanghai";

    private readonly WebApplication app;

    private ConsoleTestHost(WebApplication app, string directory, EdgeGateDatabase database, string token, Uri baseAddress)
    {
        this.app = app;
        Directory = directory;
        Database = database;
        Token = token;
        BaseAddress = baseAddress;
    }

    public string Directory { get; }

    public EdgeGateDatabase Database { get; }

    /// <summary>The token as written to <c>api-token</c>.</summary>
    public string Token { get; }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => app.Services;

    public AdminApiContext Context => app.Services.GetRequiredService<AdminApiContext>();

    /// <summary>The feed the API serves, when it is the test one.</summary>
    public TestDecisionFeed Feed => app.Services.GetRequiredService<IDecisionFeed>() as TestDecisionFeed
        ?? throw new InvalidOperationException("this host serves a real decision feed");

    public TestCameraStatus Cameras => app.Services.GetRequiredService<ICameraStatus>() as TestCameraStatus
        ?? throw new InvalidOperationException("this host serves real camera status");

    public RecordingRemoteUnlock Unlock => app.Services.GetRequiredService<IRemoteUnlock>() as RecordingRemoteUnlock
        ?? throw new InvalidOperationException("this host serves a real remote unlock");

    /// <param name="configureServices">Runs after the defaults; replace a live part by registering it here.</param>
    /// <param name="withLiveParts">False: register no decision feed, cameras or unlock (to test the 503 answers).</param>
    public static async Task<ConsoleTestHost> StartAsync(
        TimeProvider? timeProvider = null,
        Action<IServiceCollection, EdgeGateSettings>? configureServices = null,
        bool withLiveParts = true)
    {
        timeProvider ??= TimeProvider.System;
        var directory = Path.Combine(Path.GetTempPath(), $"edgegate-console-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        var credentials = Path.Combine(directory, "credentials");
        EdgeGateDatabase? database = null;
        WebApplication? app = null;
        try
        {
            database = EdgeGateDatabase.Open(
                new StorageOptions { DatabasePath = Path.Combine(directory, "edgegate.db") },
                TemplateKeyStore.LoadOrCreate(credentials),
                timeProvider);
            var token = ApiTokenStore.LoadOrCreate(credentials);
            var tokenText = (await File.ReadAllTextAsync(ApiTokenStore.PathIn(credentials))).Trim();
            var settings = new EdgeGateSettings
            {
                Gateway = new GatewayOptions
                {
                    SiteId = "test-site",
                    GatewayId = "gateway-1",
                    DataDirectory = directory,
                    CredentialsDirectory = credentials,
                    TimeZone = SiteTimeZone,
                },
                Api = new ApiOptions { Url = "http://127.0.0.1:0" },
                Doors = [new DoorOptions { Name = DoorName }, new DoorOptions { Name = "garage", Kind = DoorKind.Log }],
            };

            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = directory });
            builder.Logging.ClearProviders();
            builder.AddAdminApi(settings, token);
            builder.Services.AddSingleton(database);
            builder.Services.Replace(ServiceDescriptor.Singleton(timeProvider));
            configureServices?.Invoke(builder.Services, settings);
            if (withLiveParts)
            {
                builder.Services.TryAddSingleton<IDecisionFeed, TestDecisionFeed>();
                builder.Services.TryAddSingleton<ICameraStatus, TestCameraStatus>();
                builder.Services.TryAddSingleton<IRemoteUnlock, RecordingRemoteUnlock>();
            }
            app = builder.Build();
            app.MapAdminApi();
            using (var startTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                await app.StartAsync(startTimeout.Token);
            }
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return new ConsoleTestHost(app, directory, database, tokenText, new Uri(address));
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
            if (database is not null)
            {
                await database.DisposeAsync();
            }
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>A client for the API; with <paramref name="token"/> null it sends the host's token, with "" none.</summary>
    public HttpClient CreateClient(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        token ??= Token;
        if (token.Length > 0)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        using (var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await app.StopAsync(stopTimeout.Token);
        }
        await app.DisposeAsync();
        await Database.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the runtime; the temp directory is cleaned by the system.
        }
    }
}
