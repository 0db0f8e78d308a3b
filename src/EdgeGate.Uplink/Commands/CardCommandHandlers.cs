using System.Text.Json.Nodes;
using EdgeGate.Storage;
using EdgeGate.Storage.Persons;

namespace EdgeGate.Uplink.Commands;

/// <summary><c>card_issue</c>: gives a person a door card with an expiry.</summary>
public sealed class CardIssueCommandHandler(EdgeGateDatabase database) : IPlatformCommandHandler
{
    public string Name => "card_issue";

    public async Task<PlatformCommandResult> HandleAsync(PlatformCommand command, CancellationToken cancellationToken)
    {
        CommandFields.OnlyKnown(command.Body, "uid", "personId", "validUntil");
        var uid = PersonCommandFields.ReadUid(command.Body);
        var personId = CommandFields.RequiredIdentifier(command.Body, "personId");
        var validUntil = CommandFields.RequiredTimestamp(command.Body, "validUntil");
        var result = await database.Cards.IssueAsync(uid, personId, validUntil, cancellationToken).ConfigureAwait(false);
        return CardAnswer(result, uid);
    }

    internal static PlatformCommandResult CardAnswer(CardWriteResult result, string uid) => result.Status switch
    {
        CardWriteStatus.Applied => PlatformCommandResult.Success(new JsonObject
        {
            ["uid"] = uid,
            ["personId"] = result.Card?.PersonId,
            ["status"] = result.Card?.Status.ToString().ToLowerInvariant(),
            ["validUntil"] = result.Card is { } card ? UplinkMessages.Timestamp(card.ValidUntil) : null,
        }),
        CardWriteStatus.CardNotFound or CardWriteStatus.PersonNotFound =>
            PlatformCommandResult.Error(CommandErrorCodes.NotFound, $"{PersonCommandFields.CardStatusCode(result.Status)}: card '{uid}'"),
        _ => PlatformCommandResult.Error(CommandErrorCodes.Conflict, $"{PersonCommandFields.CardStatusCode(result.Status)}: card '{uid}'"),
    };
}

/// <summary><c>card_renew</c>: sets a new expiry on an active card ("renew or the door won't open").</summary>
public sealed class CardRenewCommandHandler(EdgeGateDatabase database) : IPlatformCommandHandler
{
    public string Name => "card_renew";

    public async Task<PlatformCommandResult> HandleAsync(PlatformCommand command, CancellationToken cancellationToken)
    {
        CommandFields.OnlyKnown(command.Body, "uid", "validUntil");
        var uid = PersonCommandFields.ReadUid(command.Body);
        var validUntil = CommandFields.RequiredTimestamp(command.Body, "validUntil");
        var result = await database.Cards.RenewAsync(uid, validUntil, cancellationToken).ConfigureAwait(false);
        return CardIssueCommandHandler.CardAnswer(result, uid);
    }
}

/// <summary><c>card_revoke</c>: the card stops opening doors at once.</summary>
public sealed class CardRevokeCommandHandler(EdgeGateDatabase database) : IPlatformCommandHandler
{
    public string Name => "card_revoke";

    public async Task<PlatformCommandResult> HandleAsync(PlatformCommand command, CancellationToken cancellationToken)
    {
        CommandFields.OnlyKnown(command.Body, "uid");
        var uid = PersonCommandFields.ReadUid(command.Body);
        var result = await database.Cards.RevokeAsync(uid, cancellationToken).ConfigureAwait(false);
        return CardIssueCommandHandler.CardAnswer(result, uid);
    }
}
