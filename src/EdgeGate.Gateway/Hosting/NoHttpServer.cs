using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace EdgeGate.Gateway.Hosting;

/// <summary>
/// The HTTP server of a gateway whose admin API is switched off (<c>Api:Enabled</c> false): it
/// listens nowhere. Without it the web host would start Kestrel on its default address
/// (localhost:5000), opening a port nobody asked for and failing to start where another program
/// already has it.
/// </summary>
internal sealed class NoHttpServer : IServer
{
    public NoHttpServer()
    {
        // No addresses: what the host and its callers read to learn where it listens.
        Features.Set<IServerAddressesFeature>(new ServerAddressesFeature());
    }

    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
    }
}
