namespace EdgeGate.Devices.Tests;

/// <summary>
/// Tests that measure timing on real ptys (timeouts, pulse lengths, quiet-line waits) run one at a
/// time, after the parallel ones: on a 2-core machine a parallel class starting python and socat
/// can stall a thread for hundreds of milliseconds.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTimingCollection
{
    public const string Name = "Serial timing";
}
