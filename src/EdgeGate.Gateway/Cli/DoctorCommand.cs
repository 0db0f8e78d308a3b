using System.CommandLine;
using EdgeGate.Configuration;
using EdgeGate.Gateway.Doctor;

namespace EdgeGate.Gateway.Cli;

/// <summary><c>edgegate doctor</c>: the installer's self-test, in plain words, non-zero exit on failure.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config") { Description = "Gateway configuration to check (cameras, doors, readers, broker; stop the gateway service first, it uses the same serial lines); without it only the installation is checked" };
        var models = new Option<string?>("--models") { Description = "Folder with manifest.json and the models (default: configuration, EDGEGATE_MODELS, next to the program)" };
        var command = new Command("doctor", "Check this box: native libraries, models, disk, clock and every configured device")
        {
            config, models,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            EdgeGateSettings? settings = null;
            if (parseResult.GetValue(config) is { } file)
            {
                try
                {
                    settings = EdgeGateSettings.Load(file.FullName);
                    Console.WriteLine($"[ OK ] configuration: {file.FullName} is valid");
                }
                catch (ConfigurationException exception)
                {
                    Console.WriteLine($"[FAIL] configuration: {file.FullName} has {exception.Errors.Count} problem(s):");
                    foreach (var error in exception.Errors)
                    {
                        Console.WriteLine($"       {error}");
                    }
                    return 1;
                }
            }
            var checks = DoctorChecks.For(settings, parseResult.GetValue(models));
            return await DoctorReport.RunAsync(checks, Console.Out, cancellationToken);
        });
        return command;
    }
}
