using System.CommandLine;
using EdgeGate.Core.Persons;
using EdgeGate.Storage.Persons;
using EdgeGate.Configuration;

namespace EdgeGate.Gateway.Cli;

/// <summary>
/// <c>edgegate cards issue|renew|revoke|list</c>: door cards have their own expiry, renewed by the
/// property office ("renew or the door won't open").
/// </summary>
internal static class CardsCommand
{
    public static Command Create()
    {
        var command = new Command("cards", "Issue, renew, revoke and list door cards");
        command.Subcommands.Add(CreateIssue());
        command.Subcommands.Add(CreateRenew());
        command.Subcommands.Add(CreateRevoke());
        command.Subcommands.Add(CreateList());
        return command;
    }

    private static Command CreateIssue()
    {
        var config = CliEnvironment.ConfigOption();
        var uid = new Argument<string>("uid") { Description = "Card number as the reader prints it" };
        var person = new Option<string>("--person") { Description = "The holder's person id", Required = true };
        var until = new Option<string>("--until") { Description = "Valid until (yyyy-MM-dd: to the end of that day in the site's time zone; today to ten years ahead)", Required = true };
        var command = new Command("issue", "Issue a card to a person") { config, uid, person, until };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (CliEnvironment.TryLoadSettings(parseResult, config) is not { } settings)
            {
                return ExitCodes.Unavailable;
            }
            if (!CliEnvironment.TryParseValidityEnd(parseResult, until.Name, parseResult.GetValue(until)!, CliEnvironment.TimeZone(settings), out var validUntil))
            {
                return ExitCodes.Usage;
            }
            await using var database = CliEnvironment.TryOpenDatabase(parseResult, settings);
            if (database is null)
            {
                return ExitCodes.Unavailable;
            }
            var personId = parseResult.GetValue(person)!;
            var result = await database.Cards.IssueAsync(parseResult.GetValue(uid)!, personId, validUntil, cancellationToken);
            return Report(parseResult, result, "issued", settings, personId);
        });
        return command;
    }

    private static Command CreateRenew()
    {
        var config = CliEnvironment.ConfigOption();
        var uid = new Argument<string>("uid") { Description = "Card number" };
        var until = new Option<string>("--until") { Description = "New expiry (yyyy-MM-dd: to the end of that day in the site's time zone; today to ten years ahead)", Required = true };
        var command = new Command("renew", "Give a card a new expiry") { config, uid, until };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (CliEnvironment.TryLoadSettings(parseResult, config) is not { } settings)
            {
                return ExitCodes.Unavailable;
            }
            if (!CliEnvironment.TryParseValidityEnd(parseResult, until.Name, parseResult.GetValue(until)!, CliEnvironment.TimeZone(settings), out var validUntil))
            {
                return ExitCodes.Usage;
            }
            await using var database = CliEnvironment.TryOpenDatabase(parseResult, settings);
            if (database is null)
            {
                return ExitCodes.Unavailable;
            }
            var result = await database.Cards.RenewAsync(parseResult.GetValue(uid)!, validUntil, cancellationToken);
            return Report(parseResult, result, "renewed", settings, null);
        });
        return command;
    }

    private static Command CreateRevoke()
    {
        var config = CliEnvironment.ConfigOption();
        var uid = new Argument<string>("uid") { Description = "Card number" };
        var command = new Command("revoke", "Revoke a card at once (lost, stolen, returned)") { config, uid };
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
            var result = await database.Cards.RevokeAsync(parseResult.GetValue(uid)!, cancellationToken);
            return Report(parseResult, result, "revoked", settings, null);
        });
        return command;
    }

    private static Command CreateList()
    {
        var config = CliEnvironment.ConfigOption();
        var person = new Option<string?>("--person") { Description = "Only this person's cards" };
        var status = new Option<CardStatus?>("--status") { Description = "Only Active or Revoked cards" };
        var expiringWithin = new Option<int?>("--expiring-within") { Description = "Only active cards expiring within this many days (expired ones included)" };
        var command = new Command("list", "List cards") { config, person, status, expiringWithin };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (CliEnvironment.TryLoadSettings(parseResult, config) is not { } settings)
            {
                return ExitCodes.Unavailable;
            }
            if (parseResult.GetValue(expiringWithin) is < 0)
            {
                CliEnvironment.Error(parseResult).WriteLine("error: --expiring-within must not be negative");
                return ExitCodes.Usage;
            }
            await using var database = CliEnvironment.TryOpenDatabase(parseResult, settings);
            if (database is null)
            {
                return ExitCodes.Unavailable;
            }
            var now = database.TimeProvider.GetUtcNow();
            var cards = parseResult.GetValue(expiringWithin) is { } days
                ? await database.Cards.ListExpiringAsync(now.AddDays(days), cancellationToken)
                : await database.Cards.ListAsync(parseResult.GetValue(person), parseResult.GetValue(status), cancellationToken);
            if (parseResult.GetValue(person) is { } personFilter)
            {
                cards = cards.Where(card => card.PersonId == personFilter).ToList();
            }
            var output = CliEnvironment.Output(parseResult);
            if (cards.Count == 0)
            {
                output.WriteLine("no cards");
                return ExitCodes.Success;
            }
            var timeZone = CliEnvironment.TimeZone(settings);
            CliEnvironment.WriteTable(output, ["CARD", "PERSON", "STATUS", "ISSUED", "VALID UNTIL"], cards.Select(card => (IReadOnlyList<string>)[
                card.Uid,
                card.PersonId,
                StatusText(card, now),
                CliEnvironment.Format(card.IssuedAt, timeZone),
                CliEnvironment.Format(card.ValidUntil, timeZone),
            ]).ToList());
            return ExitCodes.Success;
        });
        return command;
    }

    public static string StatusText(Card card, DateTimeOffset now) =>
        card.Status == CardStatus.Revoked ? "revoked" : card.IsExpired(now) ? "expired" : "active";

    private static int Report(ParseResult parseResult, CardWriteResult result, string verb, EdgeGateSettings settings, string? personId)
    {
        var error = CliEnvironment.Error(parseResult);
        var uid = parseResult.GetValue<string>("uid");
        switch (result.Status)
        {
            case CardWriteStatus.Applied:
                var card = result.Card!;
                CliEnvironment.Output(parseResult).WriteLine(card.Status == CardStatus.Revoked
                    ? $"{verb} card {card.Uid} of {card.PersonId}"
                    : $"{verb} card {card.Uid} for {card.PersonId}, valid until {CliEnvironment.Format(card.ValidUntil, CliEnvironment.TimeZone(settings))}");
                return ExitCodes.Success;
            case CardWriteStatus.CardNotFound:
                error.WriteLine($"error: unknown card '{uid}'");
                return ExitCodes.Refused;
            case CardWriteStatus.PersonNotFound:
                error.WriteLine($"error: unknown person '{personId}'");
                return ExitCodes.Refused;
            case CardWriteStatus.PersonNotActive:
                error.WriteLine($"error: the holder{(personId is null ? "" : $" '{personId}'")} is suspended or deregistered: no card is issued or renewed");
                return ExitCodes.Refused;
            case CardWriteStatus.UidInUse:
                error.WriteLine($"error: card '{result.Card!.Uid}' is held by {result.Card.PersonId}: revoke it first");
                return ExitCodes.Refused;
            case CardWriteStatus.CardRevoked:
                error.WriteLine($"error: card '{result.Card!.Uid}' is revoked: issue it again instead of renewing");
                return ExitCodes.Refused;
            default:
                error.WriteLine($"error: {result.Status}");
                return ExitCodes.Refused;
        }
    }
}
