using System.CommandLine;
using System.Globalization;
using EdgeGate.Devices.Mqtt;
using EdgeGate.Configuration;
using EdgeGate.Api;
using EdgeGate.Tools.Simulator;
using EdgeGate.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeGate.Tools.Demo;

/// <summary>
/// <c>edgegate demo</c>: the whole gateway on one machine with no camera and no hardware. A local
/// RTSP stream shows sample faces in turn (a valid resident, an expired one, a watch-listed visitor,
/// a stranger); a log door stands in for the relay; a local mosquitto and the platform simulator
/// stand in for the property platform. Decisions are printed with their reasons as they happen.
/// </summary>
public static class DemoCommand
{
    /// <param name="buildGateway">Builds the whole gateway for the demo's settings (the program's host).</param>
    public static Command Create(Func<EdgeGateSettings, WebApplication> buildGateway)
    {
        var data = new Option<DirectoryInfo>("--data")
        {
            Description = "Folder for the demo's database, keys, logs and face crops",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("data", "demo")),
        };
        var seconds = new Option<int>("--seconds")
        {
            Description = "Stop after this many seconds (0: run until Ctrl+C)",
            DefaultValueFactory = _ => 0,
        };
        var apiPort = new Option<int>("--api-port")
        {
            Description = "Port of the web console on 127.0.0.1 (0: a free one)",
            DefaultValueFactory = _ => 8080,
        };
        var command = new Command("demo", "Run the gateway on its built-in demo configuration (no camera or hardware needed)") { data, seconds, apiPort };
        command.SetAction(async (parseResult, cancellationToken) =>
            await RunAsync(buildGateway, parseResult.GetRequiredValue(data).FullName, parseResult.GetValue(seconds), parseResult.GetValue(apiPort), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(Func<EdgeGateSettings, WebApplication> buildGateway, string dataDirectory, int seconds, int apiPort, CancellationToken cancellationToken)
    {
        Console.WriteLine("EdgeGate demo: a gate with one camera, one door (logged, no relay) and a simulated platform.");
        Directory.CreateDirectory(dataDirectory);
        // Each run starts from the same story: a fresh database, the same residents.
        foreach (var file in Directory.GetFiles(dataDirectory, GatewayDatabase.FileName + "*"))
        {
            File.Delete(file);
        }

        Console.WriteLine("demo: cutting faces from the sample photos ...");
        var faces = DemoResidents.CutFaces(Path.Combine(AppContext.BaseDirectory, "samples"), Path.Combine(dataDirectory, "faces"));

        var brokerPort = DemoPeer.FreeTcpPort();
        using var broker = await DemoPeer.StartMosquittoAsync(Path.Combine(dataDirectory, "mosquitto"), brokerPort, cancellationToken);
        if (broker is null)
        {
            Console.WriteLine("demo: mosquitto is not installed (apt-get install mosquitto): running without the platform uplink");
        }

        var rtspPort = DemoPeer.FreeTcpPort();
        var streamArguments = new List<string>
        {
            Path.Combine(AppContext.BaseDirectory, "Demo", "rtsp_server.py"),
            "--port", rtspPort.ToString(CultureInfo.InvariantCulture), "--path", "/gate", "--fps", "15", "--size", "1280x720",
            "--exit-on-stdin-eof",
        };
        foreach (var face in faces)
        {
            streamArguments.AddRange(["--blank", "3", "--image", $"{face}:6"]);
        }
        using var stream = DemoPeer.Start("/usr/bin/python3", streamArguments);
        await stream.WaitForAsync("READY rtsp://", TimeSpan.FromSeconds(30), cancellationToken);

        var settings = DemoSettings(Path.GetFullPath(dataDirectory), $"rtsp://127.0.0.1:{rtspPort}/gate", broker is null ? null : brokerPort,
            apiPort == 0 ? DemoPeer.FreeTcpPort() : apiPort);
        var problems = settings.Validate();
        if (problems.Count > 0)
        {
            throw new ConfigurationException(problems);
        }

        IReadOnlyList<DemoResident> residents;
        await using (var database = GatewayDatabase.Open(settings))
        {
            residents = await DemoResidents.EnrolAsync(database, faces, DateTimeOffset.UtcNow, cancellationToken);
        }
        foreach (var resident in residents)
        {
            Console.WriteLine($"demo: {Path.GetFileName(resident.FacePath)} is the {resident.Role}{(resident.Person is { } person ? $" {person.DisplayName} ({person.Id})" : "")}");
        }

        await using var app = buildGateway(settings);
        await app.StartAsync(cancellationToken);
        await using var platform = broker is null ? null : await StartPlatformAsync(settings, brokerPort, cancellationToken);

        var feed = app.Services.GetRequiredService<DecisionFeed>();
        using var subscription = feed.Subscribe();
        var token = (await File.ReadAllTextAsync(ApiTokenStore.PathIn(GatewayDatabase.CredentialsDirectory(settings)), cancellationToken)).Trim();
        Console.WriteLine($"demo: ready. Web console: {settings.Api.Url}/console/  (token: {token})");
        Console.WriteLine($"demo: camera stream rtsp://127.0.0.1:{rtspPort}/gate; data in {Path.GetFullPath(dataDirectory)}; Ctrl+C stops.");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping);
        if (seconds > 0)
        {
            stop.CancelAfter(TimeSpan.FromSeconds(seconds));
        }
        try
        {
            await foreach (var item in subscription.Reader.ReadAllAsync(stop.Token))
            {
                Console.WriteLine(Describe(item, platform));
            }
        }
        catch (OperationCanceledException)
        {
            // Time is up or Ctrl+C.
        }
        Console.WriteLine(platform is null
            ? "demo: stopping"
            : $"demo: stopping; the platform received {platform.DistinctEvents} events (acknowledged up to seq {platform.Ack}, {platform.Duplicates} duplicates)");
        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    private static string Describe(DecisionFeedItem item, PlatformSimulator? platform) => item switch
    {
        DecisionMade made =>
            $"{made.Decision.At.ToLocalTime():HH:mm:ss} {made.Attempt.DoorName,-10} {made.Decision.ReasonCode,-20} {made.Decision.Message}" +
            (made.Seq is { } seq ? $"  [journal seq {seq}]" : "") +
            (platform is null ? "" : $"  [platform has {platform.DistinctEvents}]"),
        DoorOperated operated => $"{DateTimeOffset.Now:HH:mm:ss} {operated.DoorName,-10} door {DescribeOutcome(operated.Outcome)} (took {operated.Took.TotalMilliseconds:F0} ms)",
        _ => item.ToString() ?? "",
    };

    private static string DescribeOutcome(Core.Doors.DoorCommandOutcome outcome) => outcome switch
    {
        Core.Doors.DoorCommandOutcome.Done done => $"done: {done.DeviceAnswer}",
        Core.Doors.DoorCommandOutcome.NoResponse none => $"NO RESPONSE: {none.Detail}",
        _ => outcome.ToString(),
    };

    private static async Task<PlatformSimulator> StartPlatformAsync(EdgeGateSettings settings, int brokerPort, CancellationToken cancellationToken)
    {
        var client = new SupervisedMqttClient(new MqttClientOptions { Host = "127.0.0.1", Port = brokerPort, ClientId = "demo-platform" });
        await client.ConnectAsync(cancellationToken);
        var platform = new PlatformSimulator(client, settings.Gateway.SiteId, settings.Gateway.GatewayId);
        await platform.StartAsync(cancellationToken);
        return platform;
    }

    /// <summary>The built-in demo configuration (validated like any other).</summary>
    public static EdgeGateSettings DemoSettings(string dataDirectory, string cameraUrl, int? brokerPort, int apiPort) => new()
    {
        Gateway = new GatewayOptions
        {
            SiteId = "demo-compound",
            GatewayId = "demo-gate",
            DataDirectory = dataDirectory,
            CredentialsDirectory = Path.Combine(dataDirectory, "credentials"),
            LogDirectory = Path.Combine(dataDirectory, "logs"),
            TimeZone = "UTC",
        },
        Cameras = [new CameraOptions { Name = "gate-cam", Url = cameraUrl, Door = "main-gate", AnalyseFps = 8 }],
        Doors = [new DoorOptions { Name = "main-gate", Kind = DoorKind.Log, PulseLength = TimeSpan.FromSeconds(2) }],
        Policy = new PolicyOptions { Cooldown = TimeSpan.FromSeconds(20) },
        Uplink = brokerPort is { } port
            ? new UplinkOptions { Enabled = true, Host = "127.0.0.1", Port = port, AckTimeout = TimeSpan.FromSeconds(5) }
            : new UplinkOptions { Enabled = false },
        Api = new ApiOptions { Enabled = true, Url = $"http://127.0.0.1:{apiPort}" },
    };
}
