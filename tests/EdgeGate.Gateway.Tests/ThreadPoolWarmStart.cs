using System.Runtime.CompilerServices;

namespace EdgeGate.Gateway.Tests;

/// <summary>
/// The access tests time door pulses (a 500 ms pulse may run at most 300 ms long), and this test
/// process keeps pool threads busy besides the gateway's own work: the test runner's message loop
/// blocks one in poll(), SQLite commits block others while they fsync. On two cores the pool starts
/// with two threads and adds more only about every half second, so the continuation that ends a
/// pulse waited 0.45 s or 0.9 s for a thread (the OFF frame left the gateway that late, measured on
/// the wire). Start the pool with enough threads that it never has to, as the device tests do.
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
