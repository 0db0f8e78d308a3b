using System.Text.Json;
using EdgeGate.Core.Access;
using EdgeGate.Storage;
using EdgeGate.Storage.Journal;

namespace EdgeGate.Gateway.Tests.Api;

/// <summary>
/// The decision path for a card in miniature, for console tests until the live pipeline is wired in:
/// looks the card and its holder up in the store, runs the real <see cref="AccessPolicy"/>, journals the
/// decision and publishes it to the feed the console listens to. So a change made through the console
/// (a renewal, a deregistration) shows in the next decision exactly as the policy sees the store.
/// </summary>
public sealed class CardPresentationStage(EdgeGateDatabase database, TestDecisionFeed feed, Door door, AccessSettings settings, TimeProvider timeProvider)
{
    private readonly AccessHistory history = new();

    public async Task<AccessDecision> PresentCardAsync(string uid, CancellationToken cancellationToken = default)
    {
        var card = await database.Cards.GetByUidAsync(uid, cancellationToken);
        var person = card is null ? null : await database.Persons.GetAsync(card.PersonId, cancellationToken);
        var decision = AccessPolicy.Decide(
            new AccessRequest
            {
                Credential = new CardCredential(uid, "reader-1"),
                Door = door,
                At = timeProvider.GetUtcNow(),
                Person = person,
                Card = card,
            },
            history,
            settings);
        if (!decision.IsRepeat)
        {
            history.Record(decision);
            var payload = JsonSerializer.Serialize(new { reason = decision.ReasonCode, person = decision.PersonId, card = decision.CardUid, door = decision.DoorId });
            await database.Journal.AppendAsync(new JournalDraft(JournalLane.Event, "access_decision", decision.At, payload), cancellationToken);
        }
        feed.Publish(decision);
        return decision;
    }
}
