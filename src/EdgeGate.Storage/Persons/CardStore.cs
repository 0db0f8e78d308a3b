using EdgeGate.Core.Persons;
using Microsoft.Data.Sqlite;

namespace EdgeGate.Storage.Persons;

public enum CardWriteStatus
{
    Applied,
    CardNotFound,
    PersonNotFound,
    /// <summary>The holder is deregistered (or suspended, for issuing): no card is issued or renewed.</summary>
    PersonNotActive,
    /// <summary>The uid is held by an active card of another person.</summary>
    UidInUse,
    /// <summary>The card is revoked: issue it again instead of renewing.</summary>
    CardRevoked,
}

/// <summary>The outcome of a card change and the card as stored afterwards (null when not found).</summary>
public sealed record CardWriteResult(CardWriteStatus Status, Card? Card);

/// <summary>Door cards: issue, renew (new expiry), revoke, look up by uid. Uids are normalised.</summary>
public sealed class CardStore
{
    private const string Columns = "uid, person_id, issued_at, valid_until, status";

    private readonly EdgeGateDatabase database;

    internal CardStore(EdgeGateDatabase database)
    {
        this.database = database;
    }

    /// <summary>
    /// Issues a card to a person. A revoked card's uid may be issued again (to anyone); an active one
    /// held by someone else is <see cref="CardWriteStatus.UidInUse"/>.
    /// </summary>
    public Task<CardWriteResult> IssueAsync(string uid, string personId, DateTimeOffset validUntil, CancellationToken cancellationToken = default)
    {
        var normalised = Normalise(uid);
        return database.WriteAsync(context =>
        {
            if (PersonStore.Find(context, personId) is not { } person)
            {
                return new CardWriteResult(CardWriteStatus.PersonNotFound, null);
            }
            if (person.Status != PersonStatus.Active)
            {
                return new CardWriteResult(CardWriteStatus.PersonNotActive, null);
            }
            var existing = Find(context, normalised);
            if (existing is { Status: CardStatus.Active } && existing.PersonId != personId)
            {
                return new CardWriteResult(CardWriteStatus.UidInUse, existing);
            }
            var card = new Card
            {
                Uid = normalised,
                PersonId = personId,
                IssuedAt = context.Now,
                ValidUntil = StoredTime.Truncate(validUntil),
                Status = CardStatus.Active,
            };
            context.Command(
                $"INSERT INTO cards ({Columns}, updated_at) VALUES ($uid, $person, $issued, $until, 'active', $now) " +
                "ON CONFLICT (uid) DO UPDATE SET person_id = excluded.person_id, issued_at = excluded.issued_at, " +
                "valid_until = excluded.valid_until, status = 'active', updated_at = excluded.updated_at")
                .With("$uid", card.Uid)
                .With("$person", card.PersonId)
                .With("$issued", StoredTime.ToStored(card.IssuedAt))
                .With("$until", StoredTime.ToStored(card.ValidUntil))
                .With("$now", StoredTime.ToStored(context.Now))
                .Execute();
            return new CardWriteResult(CardWriteStatus.Applied, card);
        }, cancellationToken);
    }

    /// <summary>Sets a new expiry ("renew or the door won't open"); an expired card becomes valid again.</summary>
    public Task<CardWriteResult> RenewAsync(string uid, DateTimeOffset validUntil, CancellationToken cancellationToken = default)
    {
        var normalised = Normalise(uid);
        return database.WriteAsync(context =>
        {
            if (Find(context, normalised) is not { } card)
            {
                return new CardWriteResult(CardWriteStatus.CardNotFound, null);
            }
            if (card.Status == CardStatus.Revoked)
            {
                return new CardWriteResult(CardWriteStatus.CardRevoked, card);
            }
            if (PersonStore.Find(context, card.PersonId) is not { Status: not PersonStatus.Deregistered })
            {
                return new CardWriteResult(CardWriteStatus.PersonNotActive, card);
            }
            var renewed = card with { ValidUntil = StoredTime.Truncate(validUntil) };
            context.Command("UPDATE cards SET valid_until = $until, updated_at = $now WHERE uid = $uid")
                .With("$uid", normalised)
                .With("$until", StoredTime.ToStored(renewed.ValidUntil))
                .With("$now", StoredTime.ToStored(context.Now))
                .Execute();
            return new CardWriteResult(CardWriteStatus.Applied, renewed);
        }, cancellationToken);
    }

    /// <summary>Revokes a card at once (lost, stolen, returned). Revoking a revoked card is harmless.</summary>
    public Task<CardWriteResult> RevokeAsync(string uid, CancellationToken cancellationToken = default)
    {
        var normalised = Normalise(uid);
        return database.WriteAsync(context =>
        {
            if (Find(context, normalised) is not { } card)
            {
                return new CardWriteResult(CardWriteStatus.CardNotFound, null);
            }
            context.Command("UPDATE cards SET status = 'revoked', updated_at = $now WHERE uid = $uid")
                .With("$uid", normalised)
                .With("$now", StoredTime.ToStored(context.Now))
                .Execute();
            return new CardWriteResult(CardWriteStatus.Applied, card with { Status = CardStatus.Revoked });
        }, cancellationToken);
    }

    /// <summary>The card with this uid (as a reader reports it), or null.</summary>
    public Task<Card?> GetByUidAsync(string uid, CancellationToken cancellationToken = default)
    {
        var normalised = Normalise(uid);
        return database.ReadAsync(connection =>
        {
            using var command = connection.Command($"SELECT {Columns} FROM cards WHERE uid = $uid").With("$uid", normalised);
            return ReadAll(command).FirstOrDefault();
        }, cancellationToken);
    }

    /// <summary>Cards, optionally of one person and/or one status, ordered by uid.</summary>
    public Task<IReadOnlyList<Card>> ListAsync(string? personId = null, CardStatus? status = null, CancellationToken cancellationToken = default) =>
        database.ReadAsync(connection =>
        {
            using var command = connection.Command(
                $"SELECT {Columns} FROM cards WHERE ($person IS NULL OR person_id = $person) " +
                "AND ($status IS NULL OR status = $status) ORDER BY uid")
                .With("$person", personId)
                .With("$status", status is { } value ? StoredNames.Of(value) : null);
            return (IReadOnlyList<Card>)ReadAll(command);
        }, cancellationToken);

    /// <summary>Active cards that expire at or before <paramref name="before"/> (for renewal reminders).</summary>
    public Task<IReadOnlyList<Card>> ListExpiringAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        database.ReadAsync(connection =>
        {
            using var command = connection.Command(
                $"SELECT {Columns} FROM cards WHERE status = 'active' AND valid_until <= $before ORDER BY valid_until, uid")
                .With("$before", StoredTime.ToStored(before));
            return (IReadOnlyList<Card>)ReadAll(command);
        }, cancellationToken);

    private static string Normalise(string uid)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uid);
        return Card.NormaliseUid(uid);
    }

    private static Card? Find(WriteContext context, string uid)
    {
        using var command = context.Command($"SELECT {Columns} FROM cards WHERE uid = $uid").With("$uid", uid);
        return ReadAll(command).FirstOrDefault();
    }

    private static List<Card> ReadAll(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var cards = new List<Card>();
        while (reader.Read())
        {
            cards.Add(new Card
            {
                Uid = reader.GetString(0),
                PersonId = reader.GetString(1),
                IssuedAt = StoredTime.FromStored(reader.GetInt64(2)),
                ValidUntil = StoredTime.FromStored(reader.GetInt64(3)),
                Status = StoredNames.CardStatusFrom(reader.GetString(4)),
            });
        }
        return cards;
    }
}
