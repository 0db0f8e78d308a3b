using EdgeGate.TestSupport.Peers;

namespace EdgeGate.Gateway.Tests.Doctor;

/// <summary>
/// A box to install on without touching the machine: a private mount namespace (<c>unshare --mount</c>)
/// in which /etc, /opt and /var are overlays whose writes land in a temp folder. Inside it
/// <c>install.sh</c> runs for real (the system user, the files, their owners and modes) and the
/// commands of the README run as root with a login-like environment (<see cref="RunAsync"/>). The
/// namespace lives as long as its holder process; disposing kills it, the overlays vanish with it.
/// </summary>
internal sealed class InstallNamespace : IDisposable
{
    /// <summary>What an installer's root shell has (sudo resets the rest).</summary>
    public const string RootPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static readonly string[] Overlaid = ["etc", "opt", "var"];

    private readonly PeerProcess holder;

    private InstallNamespace(PeerProcess holder)
    {
        this.holder = holder;
    }

    /// <summary>Everything the holder printed (overlay set-up failures).</summary>
    public string Output => holder.Output;

    /// <summary>The namespace, for <c>nsenter --mount=</c>.</summary>
    public string MountNamespace => $"/proc/{holder.Id}/ns/mnt";

    public static async Task<InstallNamespace> StartAsync(string directory, TimeSpan timeout)
    {
        var layers = Path.Combine(directory, "overlays");
        var script = string.Join('\n',
        [
            "set -euo pipefail",
            .. Overlaid.Select(folder =>
                $"mkdir -p {layers}/upper/{folder} {layers}/work/{folder} && " +
                $"mount -t overlay overlay -o lowerdir=/{folder},upperdir={layers}/upper/{folder},workdir={layers}/work/{folder} /{folder}"),
            "echo namespace-ready",
            "exec sleep infinity",
        ]);
        var holder = PeerProcess.Start("unshare", ["--mount", "--propagation", "private", "bash", "-c", script]);
        try
        {
            await holder.WaitForOutputAsync("namespace-ready", timeout);
            return new InstallNamespace(holder);
        }
        catch
        {
            holder.Dispose();
            throw;
        }
    }

    /// <summary>Runs a command inside, as root, with a clean environment plus <paramref name="environment"/>.</summary>
    public Task<GatewayProcess.Result> RunAsync(TimeSpan bound, IReadOnlyDictionary<string, string>? environment, params string[] command) =>
        GatewayProcess.RunProgramAsync("nsenter", "/", bound, environment: null, [.. Enter(environment), .. command]);

    /// <summary>Starts a long-running command inside (nsenter and what it runs exec in place: its id is the command's).</summary>
    public PeerProcess Start(params string[] command) => PeerProcess.Start("nsenter", [$"--mount={MountNamespace}", "--", .. command], "/");

    private string[] Enter(IReadOnlyDictionary<string, string>? environment) =>
    [
        $"--mount={MountNamespace}", "--", "env", "-i", $"PATH={RootPath}", "HOME=/root", "LANG=C.UTF-8",
        .. (environment ?? new Dictionary<string, string>()).Select(pair => $"{pair.Key}={pair.Value}"),
    ];

    public void Dispose() => holder.Dispose();
}
