using System.CommandLine;
using System.Globalization;
using EdgeGate.Access;
using EdgeGate.Configuration;
using EdgeGate.Core.Persons;
using EdgeGate.Imaging.Interop.OpenCv;
using EdgeGate.Storage;
using EdgeGate.Vision.Faces;
using Microsoft.ML.OnnxRuntime;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace EdgeGate.Gateway.Cli;

/// <summary>Exit codes of the property-manager and installer commands.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The request was understood but refused: unknown person or card, photo rejected, door did not answer.</summary>
    public const int Refused = 1;

    /// <summary>A bad argument (a date that does not parse, an unknown status).</summary>
    public const int Usage = 2;

    /// <summary>The configuration, the database or the template key cannot be used.</summary>
    public const int Unavailable = 3;
}

/// <summary>
/// What the property-manager commands share: <c>--config</c> (default <c>$EDGEGATE_CONFIG</c>, else
/// <c>/etc/edgegate/edgegate.json</c>) to find the data and credentials directories, the database,
/// dates in the site's time zone, and table output (a Spectre table on a terminal, aligned plain
/// text when the output is a pipe or a file).
/// </summary>
internal static class CliEnvironment
{
    public const string DefaultConfigPath = "/etc/edgegate/edgegate.json";
    public const string ConfigVariable = "EDGEGATE_CONFIG";

    public static Option<FileInfo?> ConfigOption() => new("--config")
    {
        Description = $"Gateway configuration (default: ${ConfigVariable}, else {DefaultConfigPath})",
    };

    public static string ConfigPath(ParseResult parseResult, Option<FileInfo?> option) =>
        parseResult.GetValue(option)?.FullName
        ?? (Environment.GetEnvironmentVariable(ConfigVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : DefaultConfigPath);

    public static TextWriter Output(ParseResult parseResult) => parseResult.InvocationConfiguration.Output;

    public static TextWriter Error(ParseResult parseResult) => parseResult.InvocationConfiguration.Error;

    /// <summary>Loads the configuration; on failure prints every problem and returns null.</summary>
    public static EdgeGateSettings? TryLoadSettings(ParseResult parseResult, Option<FileInfo?> option)
    {
        var path = ConfigPath(parseResult, option);
        try
        {
            return EdgeGateSettings.Load(path);
        }
        catch (ConfigurationException exception)
        {
            var error = Error(parseResult);
            error.WriteLine($"error: the configuration {path} cannot be used:");
            foreach (var problem in exception.Errors)
            {
                error.WriteLine($"  {problem}");
            }
            return null;
        }
    }

    /// <summary>
    /// Loads the face pipeline without liveness (enrolment photos and calibration do not need it); on
    /// failure prints why and returns null.
    /// </summary>
    public static FacePipeline? TryLoadPipeline(ParseResult parseResult, EdgeGateSettings settings)
    {
        try
        {
            return settings.Models.LoadPipeline(computeLiveness: false);
        }
        catch (Exception exception) when (exception is OnnxRuntimeException or OpenCvException or FileNotFoundException
            or DirectoryNotFoundException or InvalidDataException)
        {
            Error(parseResult).WriteLine($"error: the face models cannot be loaded: {exception.Message} (run 'edgegate doctor')");
            return null;
        }
    }

    /// <summary>Opens the gateway's database; on failure prints why and returns null.</summary>
    public static EdgeGateDatabase? TryOpenDatabase(ParseResult parseResult, EdgeGateSettings settings)
    {
        try
        {
            return GatewayDatabase.Open(settings);
        }
        catch (Exception exception) when (exception is StorageException or IOException or UnauthorizedAccessException)
        {
            Error(parseResult).WriteLine(
                $"error: cannot open the database {GatewayDatabase.DatabasePath(settings)}: {exception.Message}");
            return null;
        }
    }

    /// <summary>
    /// Reads the <c>--until</c> of a card or a stay (a day, to its end, or an ISO time) and checks it
    /// with the API's rule (<see cref="ValidityEnd"/>: today or later, at most ten years ahead); on
    /// failure prints why and returns false.
    /// </summary>
    public static bool TryParseValidityEnd(ParseResult parseResult, string optionName, string text, TimeZoneInfo timeZone, out DateTimeOffset until)
    {
        var error = Error(parseResult);
        if (!ValidityEnd.TryParseBound(text, timeZone, endOfDay: true, out until))
        {
            error.WriteLine($"error: {optionName} '{text}' is not a date like 2027-12-31");
            return false;
        }
        if (ValidityEnd.Problem(until, TimeProvider.System.GetUtcNow(), $"{optionName} {text.Trim()}") is { } problem)
        {
            error.WriteLine($"error: {problem}");
            return false;
        }
        return true;
    }

    public static TimeZoneInfo TimeZone(EdgeGateSettings settings) => TimeZoneInfo.FindSystemTimeZoneById(settings.Gateway.TimeZone);

    /// <summary>A time in the site's time zone, to the minute, or "-".</summary>
    public static string Format(DateTimeOffset? value, TimeZoneInfo timeZone) =>
        value is { } time ? TimeZoneInfo.ConvertTime(time, timeZone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-";

    /// <summary>Writes a table: a Spectre table on an interactive terminal, aligned plain text otherwise.</summary>
    public static void WriteTable(TextWriter output, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        if (IsTerminal(output))
        {
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var header in headers)
            {
                table.AddColumn(new TableColumn(new Text(header, new Style(decoration: Decoration.Bold))));
            }
            foreach (var row in rows)
            {
                table.AddRow(row.Select(cell => (IRenderable)new Text(cell)).ToArray());
            }
            AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) }).Write(table);
            return;
        }
        var widths = headers.Select((header, column) => Math.Max(header.Length, rows.Count == 0 ? 0 : rows.Max(row => row[column].Length))).ToArray();
        output.WriteLine(string.Join("  ", headers.Select((header, column) => header.PadRight(widths[column]))).TrimEnd());
        foreach (var row in rows)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd());
        }
    }

    /// <summary>Writes "label: value" lines aligned on the colon.</summary>
    public static void WriteFields(TextWriter output, IReadOnlyList<(string Label, string Value)> fields)
    {
        var width = fields.Max(field => field.Label.Length);
        foreach (var (label, value) in fields)
        {
            output.WriteLine($"{(label + ":").PadRight(width + 1)} {value}");
        }
    }

    private static bool IsTerminal(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
}
