using EdgeGate.Core.Doors;
using EdgeGate.Gateway.Hosting;

namespace EdgeGate.Gateway.Tests.Hosting;

public sealed class RemoteUnlockBridgeTests
{
    public static TheoryData<DoorCommandOutcome?, string> Outcomes() => new()
    {
        { new DoorCommandOutcome.NoResponse(TimeSpan.FromMilliseconds(1500), "slave 1 silent"), "did not answer within 1.5 s" },
        { new DoorCommandOutcome.Rejected(4, "exception code 4 (slave device failure)"), "refused it" },
        { new DoorCommandOutcome.TransportError("cannot open /dev/ttyUSB9: System.IO.IOException: No such file"), "could not reach its lock" },
        { new DoorCommandOutcome.NotSupported("pulse"), "does not support it" },
        { null, "within 15 s" },
    };

    [Theory]
    [MemberData(nameof(Outcomes))]
    public void A_door_that_did_not_confirm_is_described_in_plain_words(DoorCommandOutcome? outcome, string expected)
    {
        var message = RemoteUnlockBridge.NotConfirmed("side-door", outcome);

        Assert.StartsWith("side-door ", message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
        // Neither the record's ToString ("TransportError { IsDone = False, … }") nor driver or exception text.
        Assert.DoesNotContain("{", message, StringComparison.Ordinal);
        Assert.DoesNotContain("IsDone", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", message, StringComparison.Ordinal);
        Assert.DoesNotContain("/dev/", message, StringComparison.Ordinal);
    }
}
