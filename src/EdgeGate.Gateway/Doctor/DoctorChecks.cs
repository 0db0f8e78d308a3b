using EdgeGate.Configuration;

namespace EdgeGate.Gateway.Doctor;

/// <summary>
/// Which checks `doctor` runs: the installation and the host always; with a configuration also every
/// camera, door, card reader, the uplink broker and the lock broker.
/// </summary>
public static class DoctorChecks
{
    public static IReadOnlyList<IDoctorCheck> For(EdgeGateSettings? settings, string? modelsDirectory)
    {
        var gateway = settings?.Gateway ?? new GatewayOptions
        {
            DataDirectory = Path.GetFullPath("data"),
            CredentialsDirectory = Path.GetFullPath(Path.Combine("data", "credentials")),
        };
        var checks = new List<IDoctorCheck>
        {
            new InstallationChecks(modelsDirectory ?? NullIfEmpty(settings?.Models.Directory)),
            new HostChecks(gateway, TimeProvider.System),
        };
        if (settings is not null)
        {
            // Each bounded to a few seconds per device, so doctor ends quickly even with nothing plugged in.
            checks.Add(new CameraChecks(settings.Cameras));
            checks.Add(new DoorChecks(settings.Doors));
            checks.Add(new ReaderChecks(settings.Readers));
            checks.Add(new BrokerChecks(settings));
        }
        return checks;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
