using System.CommandLine;
using System.Globalization;
using EdgeGate.Recognition.Enrolment;

namespace EdgeGate.Gateway.Cli;

/// <summary>
/// <c>edgegate enrol &lt;person&gt; --photo &lt;file&gt;...</c>: adds face templates for a person already
/// added with <c>edgegate persons add</c>. Each photo must show exactly one face, large, sharp and
/// frontal enough; a face too similar to a different enrolled person is refused as a possible
/// duplicate. The running gateway picks the new templates up by itself.
/// </summary>
internal static class EnrolCommand
{
    public static Command Create()
    {
        var config = CliEnvironment.ConfigOption();
        var person = new Argument<string>("person") { Description = "Person id" };
        var photos = new Option<FileInfo[]>("--photo")
        {
            Description = "A photo of the person (JPEG or PNG); repeat for several",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("enrol", "Enrol a person's face from one or more photos") { config, person, photos };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (CliEnvironment.TryLoadSettings(parseResult, config) is not { } settings)
            {
                return ExitCodes.Unavailable;
            }
            var output = CliEnvironment.Output(parseResult);
            var error = CliEnvironment.Error(parseResult);
            var files = parseResult.GetValue(photos) ?? [];
            var photoList = new List<EnrolmentPhoto>();
            foreach (var file in files)
            {
                if (!file.Exists)
                {
                    error.WriteLine($"error: photo not found: {file.FullName}");
                    return ExitCodes.Usage;
                }
                photoList.Add(await EnrolmentPhoto.ReadAsync(file.FullName, cancellationToken));
            }
            if (photoList.Count == 0)
            {
                error.WriteLine("error: give at least one --photo");
                return ExitCodes.Usage;
            }
            await using var database = CliEnvironment.TryOpenDatabase(parseResult, settings);
            if (database is null)
            {
                return ExitCodes.Unavailable;
            }
            if (CliEnvironment.TryLoadPipeline(parseResult, settings) is not { } pipeline)
            {
                return ExitCodes.Unavailable;
            }
            using (pipeline)
            using (var enrolment = new EnrolmentService(database, pipeline))
            {
                var outcome = await enrolment.EnrolAsync(parseResult.GetValue(person)!, photoList, cancellationToken);
                if (outcome.Photos.Count > 0)
                {
                    CliEnvironment.WriteTable(output, ["PHOTO", "RESULT", "MS"], outcome.Photos.Select(photo => (IReadOnlyList<string>)[
                        photo.Name,
                        photo.Reason + (photo.Similarity is { } similarity ? $" (similarity {similarity.ToString("0.00", CultureInfo.InvariantCulture)})" : ""),
                        photo.Took.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture),
                    ]).ToList());
                }
                if (outcome.Succeeded)
                {
                    output.WriteLine(outcome.Message);
                    return ExitCodes.Success;
                }
                error.WriteLine($"error: {outcome.Message}");
                return ExitCodes.Refused;
            }
        });
        return command;
    }
}
