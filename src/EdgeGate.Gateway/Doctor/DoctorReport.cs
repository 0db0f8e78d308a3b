namespace EdgeGate.Gateway.Doctor;

/// <summary>Runs the checks and prints one plain line per finding; the exit code says whether all passed.</summary>
public static class DoctorReport
{
    public static async Task<int> RunAsync(IEnumerable<IDoctorCheck> checks, TextWriter output, CancellationToken cancellationToken)
    {
        var failures = 0;
        var warnings = 0;
        foreach (var check in checks)
        {
            await foreach (var finding in check.RunAsync(cancellationToken))
            {
                var marker = finding.Severity switch
                {
                    FindingSeverity.Ok => "[ OK ]",
                    FindingSeverity.Warning => "[WARN]",
                    _ => "[FAIL]",
                };
                await output.WriteLineAsync($"{marker} {finding.Subject}: {finding.Message}");
                if (finding.Advice is not null && finding.Severity != FindingSeverity.Ok)
                {
                    await output.WriteLineAsync($"       what to do: {finding.Advice}");
                }
                failures += finding.Severity == FindingSeverity.Failure ? 1 : 0;
                warnings += finding.Severity == FindingSeverity.Warning ? 1 : 0;
            }
        }
        await output.WriteLineAsync(failures == 0
            ? $"doctor: all checks passed ({warnings} warning(s))"
            : $"doctor: {failures} problem(s) found, {warnings} warning(s)");
        return failures == 0 ? 0 : 1;
    }
}
