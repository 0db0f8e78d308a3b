using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;

namespace EdgeGate.Gateway.Hosting;

/// <summary>
/// The web host's server when the admin API is switched off (<c>Api:Enabled</c> false): it listens
/// nowhere. Without it the web host would start Kestrel on its default address, localhost:5000, and
/// a gateway without an API would open a port anyway (and fail to start when another program has it).
/// </summary>
internal sealed class NoListeningServer : IServer
{
    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
    }
}
