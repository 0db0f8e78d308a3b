namespace EdgeGate.Gateway.Tests;

/// <summary>
/// A fact about what happens when `edgegate` runs as root (the installer, a command run with sudo)
/// next to the unprivileged service user: skipped, with the reason, when the tests do not run as root.
/// </summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "needs root: it creates files as root and opens them as another user (setpriv), as the installer and the service do";
        }
    }
}
