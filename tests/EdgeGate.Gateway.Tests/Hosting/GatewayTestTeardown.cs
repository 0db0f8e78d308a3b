using EdgeGate.Tools.Simulator;
using Microsoft.AspNetCore.Builder;

namespace EdgeGate.Gateway.Tests.Hosting;

/// <summary>How a test stops a whole gateway host it started: the host (bounded), the platform simulator and its client, the temp folder.</summary>
internal static class GatewayTestTeardown
{
    public static async Task StopAsync(WebApplication? app, PlatformSimulator? platform, IAsyncDisposable? platformClient, string directory, TimeSpan stopTimeout)
    {
        if (app is not null)
        {
            using var stopLimit = new CancellationTokenSource(stopTimeout);
            try
            {
                await app.StopAsync(stopLimit.Token);
            }
            finally
            {
                await app.DisposeAsync();
            }
        }
        if (platform is not null)
        {
            await platform.DisposeAsync();
        }
        if (platformClient is not null)
        {
            await platformClient.DisposeAsync();
        }
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }
}
