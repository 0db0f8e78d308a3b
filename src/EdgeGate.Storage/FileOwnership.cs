using System.Diagnostics;
using System.Globalization;

namespace EdgeGate.Storage;

/// <summary>
/// Gives files created by root to the user the gateway runs as. The installer and the property
/// office run <c>edgegate</c> commands as root (<c>sudo</c>); <c>install.sh</c> gives the data
/// folder and the credentials folder to the service user, so a file root creates there (the
/// database, its -wal and -shm files, a secret) is handed to the owner of its folder. Without that
/// the service, which never runs as root, could not open it. .NET has no call for a file's owner,
/// so this runs coreutils' <c>chown</c> and <c>stat</c>; it does nothing unless the process is
/// privileged.
/// </summary>
public static class FileOwnership
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// When running as root, gives each existing path in <paramref name="paths"/> the owner and group
    /// of the folder it is in (<c>chown --reference</c>).
    /// </summary>
    /// <exception cref="IOException">chown failed; the message names the file.</exception>
    public static void HandToFolderOwner(params string[] paths)
    {
        if (!Environment.IsPrivilegedProcess || OperatingSystem.IsWindows())
        {
            return;
        }
        foreach (var group in paths.Where(File.Exists).GroupBy(path => Path.GetDirectoryName(Path.GetFullPath(path))!))
        {
            CopyOwner(group.Key, [.. group]);
        }
    }

    /// <summary>Gives <paramref name="paths"/> the owner and group of <paramref name="reference"/> (needs root, or owning both).</summary>
    /// <exception cref="IOException">chown failed; the message names the files.</exception>
    public static void CopyOwner(string reference, params string[] paths)
    {
        Run("chown", [$"--reference={reference}", "--", .. paths], $"cannot give {string.Join(", ", paths)} the owner of {reference}");
    }

    /// <summary>The numeric user and group owning <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The path cannot be examined.</exception>
    public static (int User, int Group) OwnerOf(string path)
    {
        var text = Run("stat", ["--format=%u %g", "--", path], $"cannot read the owner of {path}");
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static string Run(string tool, IReadOnlyList<string> arguments, string failure)
    {
        var startInfo = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo) ?? throw new IOException($"{failure}: cannot start {tool}");
        // Both tools print a line at most, far below a pipe's buffer: reading one stream after the other cannot block.
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(ToolTimeout))
        {
            process.Kill();
            throw new IOException($"{failure}: {tool} did not finish");
        }
        if (process.ExitCode != 0)
        {
            throw new IOException($"{failure}: {error.Trim()}");
        }
        return output;
    }
}
