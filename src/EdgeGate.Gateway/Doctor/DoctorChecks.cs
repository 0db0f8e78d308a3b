using EdgeGate.Gateway.Configuration;

namespace EdgeGate.Gateway.Doctor;

/// <summary>Which checks `doctor` runs: the installation always, the configured devices when a configuration is given.</summary>
public static class DoctorChecks
{
    public static IReadOnlyList<IDoctorCheck> For(EdgeGateSettings? settings, string? onnxRuntimeLibrary, string? modelsDirectory)
    {
        var gateway = settings?.Gateway ?? new GatewayOptions
        {
            DataDirectory = Path.GetFullPath("data"),
            CredentialsDirectory = Path.GetFullPath(Path.Combine("data", "credentials")),
        };
        var checks = new List<IDoctorCheck>
        {
            new InstallationChecks(
                onnxRuntimeLibrary ?? NullIfEmpty(settings?.Models.OnnxRuntimeLibrary),
                modelsDirectory ?? NullIfEmpty(settings?.Models.Directory)),
            new HostChecks(gateway, TimeProvider.System),
        };
        return checks;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
