namespace EdgeGate.Gateway.Doctor;

public enum FindingSeverity
{
    Ok,
    Warning,
    Failure,
}

/// <summary>One line of the installer's self-test, in plain words, with what to do when it is not OK.</summary>
public sealed record DoctorFinding(string Subject, FindingSeverity Severity, string Message, string? Advice = null)
{
    public static DoctorFinding Ok(string subject, string message) => new(subject, FindingSeverity.Ok, message);

    public static DoctorFinding Warning(string subject, string message, string? advice = null) =>
        new(subject, FindingSeverity.Warning, message, advice);

    public static DoctorFinding Failure(string subject, string message, string? advice = null) =>
        new(subject, FindingSeverity.Failure, message, advice);
}

/// <summary>A group of related checks (native libraries, models, cameras, ...).</summary>
public interface IDoctorCheck
{
    IAsyncEnumerable<DoctorFinding> RunAsync(CancellationToken cancellationToken);
}
