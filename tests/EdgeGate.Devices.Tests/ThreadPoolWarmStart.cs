using System.Runtime.CompilerServices;

namespace EdgeGate.Devices.Tests;

/// <summary>
/// The device tests time pulses to within a tenth of a second, and many tests here block pool
/// threads briefly (process peers, broker clients shutting down). On two cores the pool starts with
/// two threads and adds more only every half second or so, so a timer continuation could wait that
/// long for a thread: start the pool with enough threads that it never has to.
/// </summary>
internal static class ThreadPoolWarmStart
{
    [ModuleInitializer]
    internal static void Initialise()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(completionPorts, 32));
    }
}
