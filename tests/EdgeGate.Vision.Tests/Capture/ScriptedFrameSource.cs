using EdgeGate.Capture;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGate.Vision.Tests.Capture;

/// <summary>
/// A camera on a fake clock: every read or grab takes one frame interval of fake time and carries
/// the stream timestamp of a steady stream, until <see cref="FramesBeforeEnd"/> frames were given.
/// </summary>
internal sealed class ScriptedFrameSource(FakeTimeProvider time, double framesPerSecond, int framesBeforeEnd) : IFrameSource
{
    private double streamMilliseconds;

    public int FramesBeforeEnd { get; } = framesBeforeEnd;

    public int Reads { get; private set; }

    public int Grabs { get; private set; }

    public bool Disposed { get; private set; }

    /// <summary>Before the next read, the stream stalls this long and then delivers one frame with the old clock.</summary>
    public TimeSpan StallBeforeNextRead { get; set; }

    private int Given => Reads + Grabs;

    public bool TryRead(BgrFrameBuffer frame)
    {
        if (Given >= FramesBeforeEnd)
        {
            return false;
        }
        if (StallBeforeNextRead > TimeSpan.Zero)
        {
            time.Advance(StallBeforeNextRead);
            StallBeforeNextRead = TimeSpan.Zero;
        }
        Step();
        Reads++;
        frame.EnsureCapacity(4 * 2 * 3);
        frame.SetFrame(4, 2, streamMilliseconds, Reads);
        return true;
    }

    public bool Grab()
    {
        if (Given >= FramesBeforeEnd)
        {
            return false;
        }
        Step();
        Grabs++;
        return true;
    }

    public void Dispose() => Disposed = true;

    private void Step()
    {
        var interval = 1000.0 / framesPerSecond;
        streamMilliseconds += interval;
        time.Advance(TimeSpan.FromMilliseconds(interval));
    }
}
