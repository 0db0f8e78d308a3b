using System.Runtime.CompilerServices;
using EdgeGate.Gateway.Hosting;

namespace EdgeGate.Gateway.Tests;

/// <summary>
/// The access tests time door pulses (a 500 ms pulse may run at most 300 ms long) and this test
/// process keeps pool threads busy besides the gateway's own work (the runner's message loop, SQLite
/// commits in fsync). Hosts built by the tests size the pool themselves; tests that drive the door
/// services without a host need the same from the start.
/// </summary>
internal static class ThreadPoolWarmStart
{
    [ModuleInitializer]
    internal static void Initialise() => GatewayHost.EnsurePoolThreads();
}
