namespace EdgeGate.Core.Doors;

/// <summary>
/// How a door command ended. Expected failures are values, so the decision stage can journal
/// them with a reason and the caller decides on retries or alerts.
/// </summary>
public abstract record DoorCommandOutcome
{
    private DoorCommandOutcome()
    {
    }

    /// <summary>True for <see cref="Done"/>.</summary>
    public bool IsDone => this is Done;

    /// <summary>One line for logs and the journal.</summary>
    public abstract string Describe();

    /// <summary>The command was carried out; <paramref name="DeviceAnswer"/> says what the device answered (or that none is expected).</summary>
    public sealed record Done(string DeviceAnswer) : DoorCommandOutcome
    {
        public override string Describe() => $"done: {DeviceAnswer}";
    }

    /// <summary>The device did not answer within <paramref name="Waited"/> (after any retries).</summary>
    public sealed record NoResponse(TimeSpan Waited, string Detail) : DoorCommandOutcome
    {
        public override string Describe() => $"no response within {Waited.TotalMilliseconds:0} ms: {Detail}";
    }

    /// <summary>The device answered with a refusal (e.g. a Modbus exception code, a lock reporting JAMMED).</summary>
    public sealed record Rejected(int Code, string Reason) : DoorCommandOutcome
    {
        public override string Describe() => $"rejected (code {Code}): {Reason}";
    }

    /// <summary>The transport failed: line closed, I/O error, garbled answers after every retry.</summary>
    public sealed record TransportError(string Message) : DoorCommandOutcome
    {
        public override string Describe() => $"transport error: {Message}";
    }

    /// <summary>This driver or device cannot do what was asked (see <see cref="IDoorDriver.Capabilities"/>).</summary>
    public sealed record NotSupported(string What) : DoorCommandOutcome
    {
        public override string Describe() => $"not supported: {What}";
    }
}
