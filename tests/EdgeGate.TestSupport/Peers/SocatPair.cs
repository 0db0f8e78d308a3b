using EdgeGate.TestSupport.Waiting;

namespace EdgeGate.TestSupport.Peers;

/// <summary>
/// Two linked pseudo-terminals made by socat (<c>socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B</c>):
/// bytes written to one come out of the other, like a null-modem cable. Each side is a real tty, so
/// termios calls work on it. Disposing kills socat (both ends hang up) and removes the links.
/// </summary>
public sealed class SocatPair : IDisposable
{
    private readonly PeerProcess process;
    private readonly string directory;

    private SocatPair(PeerProcess process, string directory)
    {
        this.process = process;
        this.directory = directory;
    }

    /// <summary>The first pty (a symlink to /dev/pts/N).</summary>
    public string PathA => Path.Combine(directory, "a");

    /// <summary>The second pty.</summary>
    public string PathB => Path.Combine(directory, "b");

    /// <summary>What socat printed (for failure messages).</summary>
    public string Output => process.Output;

    public static async Task<SocatPair> StartAsync(TimeSpan? timeout = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"edgegate-pty-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var process = PeerProcess.Start("socat", [
            "-d", "-d",
            $"pty,raw,echo=0,link={Path.Combine(directory, "a")}",
            $"pty,raw,echo=0,link={Path.Combine(directory, "b")}",
        ]);
        var pair = new SocatPair(process, directory);
        try
        {
            var limit = timeout ?? TimeSpan.FromSeconds(10);
            await process.WaitForOutputAsync("starting data transfer loop", limit);
            await Eventually.UntilAsync(
                () => File.Exists(pair.PathA) && File.Exists(pair.PathB),
                limit,
                $"socat's pty links in {directory}",
                () => process.Output);
            return pair;
        }
        catch
        {
            pair.Dispose();
            throw;
        }
    }

    /// <summary>Kills socat now: both ptys hang up (as an unplugged adapter would).</summary>
    public void Kill() => process.Kill();

    public void Dispose()
    {
        process.Dispose();
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
