using System.Text.Json;
using EdgeGate.Access;
using EdgeGate.Capture;
using EdgeGate.Recognition;
using EdgeGate.Storage;
using EdgeGate.Storage.Journal;
using EdgeGate.TestSupport.Peers;
using EdgeGate.TestSupport.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Services;

/// <summary>A camera that goes down reaches the journal's alert lane: a real RTSP server killed and restarted, real capture, real SQLite.</summary>
public sealed class DeviceAlertServiceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private TestDatabase test = null!;
    private EdgeGateDatabase database = null!;

    public async Task InitializeAsync()
    {
        test = await TestDatabase.OpenNewAsync(time: TimeProvider.System);
        database = test.Db;
    }

    public async Task DisposeAsync() => await test.DisposeAsync();

    [Fact]
    public async Task A_camera_that_goes_down_is_an_alert_and_its_return_a_routine_event()
    {
        using var server = await RtspTestServer.StartAsync([RtspSegment.Blank(1)], width: 320, height: 240, framesPerSecond: 10);
        var alerts = new DeviceAlertService(database, TimeProvider.System, NullLogger<DeviceAlertService>.Instance);
        var registry = new CameraHealthRegistry();
        var settings = new CameraCaptureSettings("gate-cam", "gate-1", server.Url, 2)
        {
            OpenTimeout = TimeSpan.FromSeconds(3),
            ReadTimeout = TimeSpan.FromSeconds(2),
            InitialBackoff = TimeSpan.FromMilliseconds(200),
            MaximumBackoff = TimeSpan.FromMilliseconds(500),
        };
        using var camera = new CameraCaptureService(settings, new FrameHandOff(4), registry, TimeProvider.System,
            NullLogger<CameraCaptureService>.Instance, alerts: alerts);
        await alerts.StartAsync(CancellationToken.None);
        await camera.StartAsync(CancellationToken.None);
        try
        {
            await WaitUntilAsync(() => Task.FromResult(registry.Find("gate-cam")!.State == CameraState.Streaming), "the camera streams");
            Assert.Empty(await database.Journal.ReadFromAsync(0, 100));

            server.Kill();
            var down = await WaitForEntryAsync(DeviceAlertService.CameraDownType);
            // Still failing: retries in the Failed state add nothing.
            await WaitUntilAsync(() => Task.FromResult(registry.Find("gate-cam")!.ConsecutiveFailures >= 5), "more failed attempts");
            await server.RestartAsync();
            var restored = await WaitForEntryAsync(DeviceAlertService.CameraRestoredType);

            output.WriteLine($"{down.Seq} {down.Lane} {down.Type} {down.PayloadJson}; {restored.Seq} {restored.Lane} {restored.Type} {restored.PayloadJson}");
            Assert.Equal(JournalLane.Alert, down.Lane);
            using (var payload = JsonDocument.Parse(down.PayloadJson))
            {
                Assert.Equal("gate-cam", payload.RootElement.GetProperty("camera").GetString());
                Assert.True(payload.RootElement.GetProperty("failures").GetInt32() >= settings.FailuresBeforeFailed);
                Assert.False(string.IsNullOrEmpty(payload.RootElement.GetProperty("error").GetString()));
            }
            Assert.Equal(JournalLane.Event, restored.Lane);
            Assert.Equal(
                [DeviceAlertService.CameraDownType, DeviceAlertService.CameraRestoredType],
                (await database.Journal.ReadFromAsync(0, 100)).Select(entry => entry.Type));
        }
        finally
        {
            await camera.StopAsync(CancellationToken.None);
            await alerts.StopAsync(CancellationToken.None);
        }
    }

    private async Task<JournalEntry> WaitForEntryAsync(string type)
    {
        JournalEntry? found = null;
        await WaitUntilAsync(async () =>
        {
            found = (await database.Journal.ReadFromAsync(0, 100)).FirstOrDefault(entry => entry.Type == type);
            return found is not null;
        }, $"a {type} row in the journal");
        return found!;
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what)
        => Eventually.UntilAsync(condition, Wait, what);
}
