using System.CommandLine;
using EdgeGate.Configuration;

namespace EdgeGate.Gateway.Cli;

/// <summary>
/// <c>edgegate config-reference [--write docs/configuration.md]</c> (hidden, for developers): prints the
/// generated key reference, or rewrites the generated part of the given document in place, keeping
/// the prose around it.
/// </summary>
internal static class ConfigReferenceCommand
{
    public static Command Create()
    {
        var write = new Option<FileInfo?>("--write") { Description = "Document whose generated part is rewritten (docs/configuration.md)" };
        var command = new Command("config-reference", "Print the configuration key reference generated from the options classes") { write };
        command.Hidden = true;
        command.SetAction(parseResult =>
        {
            if (parseResult.GetValue(write) is not { } file)
            {
                CliEnvironment.Output(parseResult).WriteLine(ConfigurationReference.Generate());
                return ExitCodes.Success;
            }
            try
            {
                var document = File.ReadAllText(file.FullName);
                var updated = ConfigurationReference.Update(document);
                if (updated != document)
                {
                    File.WriteAllText(file.FullName, updated);
                }
                CliEnvironment.Output(parseResult).WriteLine(updated == document
                    ? $"{file.FullName}: up to date"
                    : $"{file.FullName}: generated part rewritten");
                return ExitCodes.Success;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                CliEnvironment.Error(parseResult).WriteLine($"error: {file.FullName}: {exception.Message}");
                return ExitCodes.Refused;
            }
        });
        return command;
    }
}
