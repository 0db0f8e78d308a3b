using System.CommandLine;
using System.Globalization;
using EdgeGate.Core.Persons;
using EdgeGate.Storage.Persons;

namespace EdgeGate.Gateway.Cli;

/// <summary>
/// <c>edgegate persons add|list|show|suspend|reinstate|deregister</c>: the property office's
/// register of residents, staff and visitors on this gateway.
/// </summary>
internal static class PersonsCommand
{
    public static Command Create(TextReader? confirmationInput = null)
    {
        var command = new Command("persons", "Add, list, show, suspend, reinstate and deregister persons");
        command.Subcommands.Add(CreateAdd());
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateShow());
        command.Subcommands.Add(CreateStatusChange("suspend", "Suspend a person's access (cards and face templates are kept)", suspend: true));
        command.Subcommands.Add(CreateStatusChange("reinstate", "Lift a suspension", suspend: false));
        command.Subcommands.Add(CreateConsent(confirmationInput));
        command.Subcommands.Add(CreateDeregister(confirmationInput));
        return command;
    }

    private static Command CreateAdd()
    {
        var config = CliEnvironment.ConfigOption();
        var id = new Argument<string>("person") { Description = "Person id (as the property office knows them, e.g. a unit and number)" };
        var name = new Option<string>("--name") { Description = "Display name", Required = true };
        var unit = new Option<string?>("--unit") { Description = "Flat or unit" };
        var category = new Option<PersonCategory>("--category") { Description = "Resident, Staff or Visitor", DefaultValueFactory = _ => PersonCategory.Resident };
        var from = new Option<string?>("--from") { Description = "Valid from (yyyy-MM-dd in the site's time zone, or an ISO time)" };
        var until = new Option<string?>("--until") { Description = "Valid until (yyyy-MM-dd: to the end of that day; today to ten years ahead)" };
        var watchList = new Option<bool>("--watch-list") { Description = "Put on the watch list (alert on every appearance)" };
        var note = new Option<string?>("--note") { Description = "Watch-list note for the guard" };
        var consent = new Option<bool>("--consent") { Description = "Record that the person consented to face recognition now (needed before 'enrol')" };
        var consentBy = ConsentByOption();
        var command = new Command("add", "Add a person") { config, id, name, unit, category, from, until, watchList, note, consent, consentBy };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (CliEnvironment.TryLoadSettings(parseResult, config) is not { } settings)
            {
                return ExitCodes.Unavailable;
            }
            var error = CliEnvironment.Error(parseResult);
            var timeZone = CliEnvironment.TimeZone(settings);
            DateTimeOffset? validFrom = null, validUntil = null;
            if (parseResult.GetValue(from) is { } fromText)
            {
                if (!ValidityEnd.TryParseBound(fromText, timeZone, endOfDay: false, out var value))
                {
                    error.WriteLine($"error: --from '{fromText}' is not a date like 2027-01-31");
                    return ExitCodes.Usage;
                }
                validFrom = value;
            }
            if (parseResult.GetValue(until) is { } untilText)
            {
                if (!CliEnvironment.TryParseValidityEnd(parseResult, until.Name, untilText, timeZone, out var value))
                {
                    return ExitCodes.Usage;
                }
                validUntil = value;
            }
            if (validFrom > validUntil)
            {
                error.WriteLine("error: --from is after --until");
                return ExitCodes.Usage;
            }
            await using var database = CliEnvironment.TryOpenDatabase(parseResult, settings);
            if (database is null)
            {
                return ExitCodes.Unavailable;
            }
            var person = new Person
            {
                Id = parseResult.GetValue(id)!.Trim(),
                DisplayName = parseResult.GetValue(name)!.Trim(),
                Unit = parseResult.GetValue(unit),
                Category = parseResult.GetValue(category),
                ValidFrom = validFrom,
                ValidUntil = validUntil,
                WatchListed = parseResult.GetValue(watchList),
                WatchListNote = parseResult.GetValue(note),
                ConsentAt = parseResult.GetValue(consent) ? database.TimeProvider.GetUtcNow() : null,
                ConsentRecordedBy = parseResult.GetValue(consent) ? ConsentRecorder(parseResult, consentBy) : null,
            };
            if (parseResult.GetValue(consentBy) is not null && !parseResult.GetValue(consent))
            {
                error.WriteLine("error: --consent-by names who recorded the consent: give --consent too");
                return ExitCodes.Usage;
            }
            if (person.Id.Length == 0 || person.DisplayName.Length == 0)
            {
                error.WriteLine("error: the person id and --name must not be empty");
                return ExitCodes.Usage;
            }
            var result = await database.Persons.AddAsync(person, cancellationToken);
            if (result.Status == PersonWriteStatus.AlreadyExists)
            {
                error.WriteLine($"error: person '{person.Id}' already exists ({StatusText(result.Person!.Status)})");
                return ExitCodes.Refused;
            }
            CliEnvironment.Output(parseResult).WriteLine($"added {person.Id} ({person.DisplayName})");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateList()
    {
        var config = CliEnvironment.ConfigOption();
        var status = new Option<PersonStatus?>("--status") { Description = "Only Active, Suspended or Deregistered persons" };
        var search = new Option<string?>("--search") { Description = "Part of the id, name or unit" };
        var limit = new Option<int>("--limit") { Description = "At most this many", DefaultValueFactory = _ => 500 };
        var command = new Command("list", "List persons") { config, status, search, limit };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (CliEnvironment.TryLoadSettings(parseResult, config) is not { } settings)
            {
                return ExitCodes.Unavailable;
            }
            await using var database = CliEnvironment.TryOpenDatabase(parseResult, settings);
            if (database is null)
            {
                return ExitCodes.Unavailable;
            }
            var timeZone = CliEnvironment.TimeZone(settings);
            var persons = await database.Persons.ListAsync(
                new PersonQuery { Status = parseResult.GetValue(status), SearchText = parseResult.GetValue(search), Limit = parseResult.GetValue(limit) },
                cancellationToken);
            var output = CliEnvironment.Output(parseResult);
            if (persons.Count == 0)
            {
                output.WriteLine("no persons");
                return ExitCodes.Success;
            }
            var rows = new List<IReadOnlyList<string>>();
            foreach (var person in persons)
            {
                var templates = person.Status == PersonStatus.Deregistered
                    ? 0
                    : (await database.Templates.ListForPersonAsync(person.Id, cancellationToken: cancellationToken)).Count;
                rows.Add([
                    person.Id,
                    person.DisplayName,
                    person.Unit ?? "-",
                    person.Category.ToString(),
                    StatusText(person.Status) + (person.WatchListed ? ", watch list" : ""),
                    CliEnvironment.Format(person.ValidUntil, timeZone),
                    templates.ToString(CultureInfo.InvariantCulture),
                ]);
            }
            CliEnvironment.WriteTable(output, ["ID", "NAME", "UNIT", "CATEGORY", "STATUS", "VALID UNTIL", "FACES"], rows);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateShow()
    {
        var config = CliEnvironment.ConfigOption();
        var id = new Argument<string>("person") { Description = "Person id" };
        var command = new Command("show", "Show one person with their cards and face templates") { config, id };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (CliEnvironment.TryLoadSettings(parseResult, config) is not { } settings)
            {
                return ExitCodes.Unavailable;
            }
            await using var database = CliEnvironment.TryOpenDatabase(parseResult, settings);
            if (database is null)
            {
                return ExitCodes.Unavailable;
            }
            var personId = parseResult.GetValue(id)!;
            if (await database.Persons.GetAsync(personId, cancellationToken) is not { } person)
            {
                CliEnvironment.Error(parseResult).WriteLine($"error: unknown person '{personId}'");
                return ExitCodes.Refused;
            }
            var timeZone = CliEnvironment.TimeZone(settings);
            var templates = await database.Templates.ListForPersonAsync(person.Id, cancellationToken: cancellationToken);
            var cards = await database.Cards.ListAsync(person.Id, cancellationToken: cancellationToken);
            var now = database.TimeProvider.GetUtcNow();
            var output = CliEnvironment.Output(parseResult);
            CliEnvironment.WriteFields(output, [
                ("id", person.Id),
                ("name", person.DisplayName),
                ("unit", person.Unit ?? "-"),
                ("category", person.Category.ToString()),
                ("status", StatusText(person.Status) + (person.IsWithinValidity(now) ? "" : " (outside validity)")),
                ("valid from", CliEnvironment.Format(person.ValidFrom, timeZone)),
                ("valid until", CliEnvironment.Format(person.ValidUntil, timeZone)),
                ("watch list", person.WatchListed ? "yes" + (person.WatchListNote is { } watchNote ? $" ({watchNote})" : "") : "no"),
                ("consent", ConsentText(person, timeZone)),
                ("face templates", string.Join(", ", templates.GroupBy(t => t.ModelId).Select(g => $"{g.Count()} ({g.Key})")) is { Length: > 0 } faces ? faces : "none"),
                ("updated", CliEnvironment.Format(person.UpdatedAt, timeZone)),
            ]);
            if (cards.Count > 0)
            {
                output.WriteLine();
                CliEnvironment.WriteTable(output, ["CARD", "STATUS", "VALID UNTIL"], cards.Select(card => (IReadOnlyList<string>)[
                    card.Uid, CardsCommand.StatusText(card, now), CliEnvironment.Format(card.ValidUntil, timeZone)]).ToList());
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateStatusChange(string name, string description, bool suspend)
    {
        var config = CliEnvironment.ConfigOption();
        var id = new Argument<string>("person") { Description = "Person id" };
        var command = new Command(name, description) { config, id };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (CliEnvironment.TryLoadSettings(parseResult, config) is not { } settings)
            {
                return ExitCodes.Unavailable;
            }
            await using var database = CliEnvironment.TryOpenDatabase(parseResult, settings);
            if (database is null)
            {
                return ExitCodes.Unavailable;
            }
            var personId = parseResult.GetValue(id)!;
            var result = suspend
                ? await database.Persons.SuspendAsync(personId, cancellationToken)
                : await database.Persons.ReinstateAsync(personId, cancellationToken);
            var error = CliEnvironment.Error(parseResult);
            switch (result.Status)
            {
                case PersonWriteStatus.NotFound:
                    error.WriteLine($"error: unknown person '{personId}'");
                    return ExitCodes.Refused;
                case PersonWriteStatus.Deregistered:
                    error.WriteLine($"error: person '{personId}' is deregistered (moved out); add them again under a new id");
                    return ExitCodes.Refused;
                case PersonWriteStatus.Unchanged:
                    CliEnvironment.Output(parseResult).WriteLine($"{personId} is already {StatusText(result.Person!.Status)}");
                    return ExitCodes.Success;
                default:
                    CliEnvironment.Output(parseResult).WriteLine($"{personId} is now {StatusText(result.Person!.Status)}");
                    return ExitCodes.Success;
            }
        });
        return command;
    }

    /// <summary>
    /// <c>persons consent &lt;person&gt; [--by NAME] [--at TIME]</c> records consent to face recognition;
    /// <c>--withdraw</c> withdraws it and deletes the person's face data (cards keep working).
    /// </summary>
    private static Command CreateConsent(TextReader? confirmationInput)
    {
        var config = CliEnvironment.ConfigOption();
        var id = new Argument<string>("person") { Description = "Person id" };
        var by = new Option<string?>("--by") { Description = "Who took the consent (default: the operator account running this command)" };
        var at = new Option<string?>("--at") { Description = "When the person consented (yyyy-MM-dd or an ISO time; default: now)" };
        var withdraw = new Option<bool>("--withdraw") { Description = "The person withdraws consent: delete their face templates and photos now" };
        var yes = new Option<bool>("--yes") { Description = "Do not ask for confirmation (with --withdraw)" };
        var command = new Command("consent", "Record a person's consent to face recognition, or its withdrawal (which deletes their face data)")
        {
            config, id, by, at, withdraw, yes,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = CliEnvironment.Output(parseResult);
            var error = CliEnvironment.Error(parseResult);
            if (parseResult.GetValue(withdraw) && (parseResult.GetValue(by) is not null || parseResult.GetValue(at) is not null))
            {
                error.WriteLine("error: --withdraw takes no --by or --at");
                return ExitCodes.Usage;
            }
            if (CliEnvironment.TryLoadSettings(parseResult, config) is not { } settings)
            {
                return ExitCodes.Unavailable;
            }
            var timeZone = CliEnvironment.TimeZone(settings);
            DateTimeOffset? consentAt = null;
            if (parseResult.GetValue(at) is { } atText)
            {
                if (!ValidityEnd.TryParseBound(atText, timeZone, endOfDay: false, out var value))
                {
                    error.WriteLine($"error: --at '{atText}' is not a date like 2027-01-31 or an ISO time");
                    return ExitCodes.Usage;
                }
                consentAt = value;
            }
            await using var database = CliEnvironment.TryOpenDatabase(parseResult, settings);
            if (database is null)
            {
                return ExitCodes.Unavailable;
            }
            var personId = parseResult.GetValue(id)!;
            if (await database.Persons.GetAsync(personId, cancellationToken) is not { } person)
            {
                error.WriteLine($"error: unknown person '{personId}'");
                return ExitCodes.Refused;
            }
            if (person.Status == PersonStatus.Deregistered)
            {
                error.WriteLine($"error: person '{personId}' is deregistered (moved out); add them again under a new id");
                return ExitCodes.Refused;
            }
            if (!parseResult.GetValue(withdraw))
            {
                if (consentAt > database.TimeProvider.GetUtcNow())
                {
                    error.WriteLine("error: --at lies in the future: consent is recorded once it was given");
                    return ExitCodes.Usage;
                }
                var recorder = ConsentRecorder(parseResult, by);
                var recorded = await database.Persons.RecordConsentAsync(personId, consentAt ?? database.TimeProvider.GetUtcNow(), recorder, cancellationToken);
                output.WriteLine($"consent of {personId} recorded: {ConsentText(recorded.Person!, timeZone)}");
                return ExitCodes.Success;
            }
            if (!parseResult.GetValue(yes) && !Confirmed(parseResult, confirmationInput,
                $"Withdraw the consent of {person.Id} ({person.DisplayName})? Their face templates and photos are deleted now; cards keep working.", "consent not withdrawn"))
            {
                return ExitCodes.Refused;
            }
            var result = await database.Persons.WithdrawConsentAsync(personId, cancellationToken);
            output.WriteLine(result.Status == PersonWriteStatus.Unchanged
                ? $"{personId} had no consent and no face data"
                : $"consent of {personId} withdrawn: {result.TemplatesDeleted} face template(s) and {result.PhotosDeleted} photo(s) deleted");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Option<string?> ConsentByOption() =>
        new("--consent-by") { Description = "Who took the consent (default: the operator account running this command)" };

    /// <summary>
    /// Who records a consent from the command line: the name given, else the operator's account
    /// (the user behind sudo when run with it).
    /// </summary>
    private static string ConsentRecorder(ParseResult parseResult, Option<string?> option)
    {
        if (parseResult.GetValue(option) is { } name && name.Trim().Length > 0)
        {
            return name.Trim();
        }
        var account = Environment.GetEnvironmentVariable("SUDO_USER") is { Length: > 0 } sudoUser ? sudoUser : Environment.UserName;
        return $"{account} (edgegate command line)";
    }

    /// <summary>"2026-12-01 10:00 by ana (office)", or a dash when there is no recorded consent.</summary>
    public static string ConsentText(Person person, TimeZoneInfo timeZone) =>
        person.HasRecordedConsent
            ? $"{CliEnvironment.Format(person.ConsentAt, timeZone)} by {person.ConsentRecordedBy}"
            : "- (none recorded: no face data may be enrolled)";

    private static Command CreateDeregister(TextReader? confirmationInput)
    {
        var config = CliEnvironment.ConfigOption();
        var id = new Argument<string>("person") { Description = "Person id" };
        var yes = new Option<bool>("--yes") { Description = "Do not ask for confirmation" };
        var command = new Command("deregister", "Move-out: revoke all access at once and delete the person's face data and photos from this box")
        {
            config, id, yes,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (CliEnvironment.TryLoadSettings(parseResult, config) is not { } settings)
            {
                return ExitCodes.Unavailable;
            }
            await using var database = CliEnvironment.TryOpenDatabase(parseResult, settings);
            if (database is null)
            {
                return ExitCodes.Unavailable;
            }
            var personId = parseResult.GetValue(id)!;
            var output = CliEnvironment.Output(parseResult);
            var error = CliEnvironment.Error(parseResult);
            if (await database.Persons.GetAsync(personId, cancellationToken) is not { } person)
            {
                error.WriteLine($"error: unknown person '{personId}'");
                return ExitCodes.Refused;
            }
            if (!parseResult.GetValue(yes) && !Confirmed(parseResult, confirmationInput,
                $"Deregister {person.Id} ({person.DisplayName})? Their cards are revoked and face data deleted; this cannot be undone.", "not deregistered"))
            {
                return ExitCodes.Refused;
            }
            var result = await database.Persons.DeregisterAsync(personId, cancellationToken);
            output.WriteLine(result.Status == PersonWriteStatus.Unchanged
                ? $"{personId} was already deregistered"
                : $"deregistered {personId}: {result.TemplatesDeleted} face template(s) and {result.PhotosDeleted} photo(s) deleted, {result.CardsRevoked} card(s) revoked");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Asks <paramref name="question"/> and reads the answer; anything but "yes" prints <paramref name="declined"/>.</summary>
    private static bool Confirmed(ParseResult parseResult, TextReader? confirmationInput, string question, string declined)
    {
        var output = CliEnvironment.Output(parseResult);
        output.Write($"{question} Type 'yes' to continue: ");
        output.Flush();
        var answer = (confirmationInput ?? Console.In).ReadLine();
        if (string.Equals(answer?.Trim(), "yes", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        CliEnvironment.Error(parseResult).WriteLine(declined);
        return false;
    }

    public static string StatusText(PersonStatus status) => status switch
    {
        PersonStatus.Active => "active",
        PersonStatus.Suspended => "suspended",
        _ => "deregistered",
    };
}
