using System.Globalization;
using EdgeGate.Core.Persons;

namespace EdgeGate.Core.Access;

/// <summary>
/// The access policy: one pure function from a presentation at a door to a decision with a reason
/// code. No I/O, no clock (the time is in the request), no logging; the same inputs always give
/// the same decision.
/// </summary>
/// <remarks>
/// <para>Precedence, first match wins, and why:</para>
/// <list type="number">
/// <item><b>Exit button</b> → <c>GRANTED_EXIT</c>, always, even on a disabled door: egress is a
/// life-safety matter and identifies no one.</item>
/// <item><b>Spoof</b> (face failed liveness) → <c>DENIED_SPOOF</c> + spoof alert, before anything
/// else: the identity taken from a presentation attack is not trusted, so no person check can speak
/// for it, and the attack itself is what the guard must see. No watch-list alert (the matched person
/// is not known to be there).</item>
/// <item><b>Door disabled</b> → <c>DENIED_DOOR_DISABLED</c>, for every credential including remote
/// unlock: a door out of service opens for nobody.</item>
/// <item><b>Remote unlock</b> → <c>GRANTED_REMOTE</c>: the operator's decision; no person checks.</item>
/// <item><b>Unknown</b> (no match, unknown card, or a card or match whose holder is not on the box)
/// → <c>DENIED_UNKNOWN</c>: without a person record nothing else can be checked.</item>
/// <item><b>Revoked</b>: person deregistered (moved out), then card revoked → <c>DENIED_REVOKED</c>;
/// <b>Suspended</b> → <c>DENIED_SUSPENDED</c>. These are deliberate acts of the property office about
/// this person and the most useful thing to tell the console; a watch-list flag still raises its alert.</item>
/// <item><b>Watch list</b>, when the site denies flagged persons → <c>ALERT_WATCHLIST</c>: it outranks
/// the routine checks below because it is the one a guard must act on. When the site lets them in,
/// the checks go on and the decision (granted or not) carries the watch-list alert.</item>
/// <item><b>Not yet valid</b> (before the person's ValidFrom) → <c>DENIED_NOT_YET_VALID</c>;
/// <b>expired</b> (after the person's ValidUntil, then after the card's ValidUntil) →
/// <c>DENIED_EXPIRED</c>, message "renew at the property office". Both windows are closed: the
/// exact bound instants are still valid. The person before the card: a new card does not help a
/// resident whose validity ended.</item>
/// <item><b>Schedule</b> of the door for the person's category, in the site's local time →
/// <c>DENIED_SCHEDULE</c>.</item>
/// <item><b>Cooldown</b>: the last journaled decision for this person at this door was a grant less
/// than <see cref="AccessSettings.Cooldown"/> ago → <see cref="AccessOutcome.Suppressed"/>
/// (<c>SUPPRESSED_COOLDOWN</c>): one person standing in view unlocks once. It comes after the person
/// checks so that a change within the window (revoked a second after a grant) is still decided and
/// journaled, and before anti-passback because the earlier grant is this same passage, not a second
/// entry.</item>
/// <item><b>Anti-passback</b> in the door's group: the person's last granted passage went the same
/// way → hard mode <c>DENIED_PASSBACK</c>; soft mode grants with a passback alert.</item>
/// <item>Otherwise <c>GRANTED_FACE</c> or <c>GRANTED_CARD</c>.</item>
/// </list>
/// <para>Finally a denial equal to the last journaled decision for the same person at the same door
/// within the cooldown is <see cref="AccessOutcome.Suppressed"/> too, so a person standing in view
/// does not fill the journal with the same denial. Chosen over a <c>DENIED_COOLDOWN</c> code because a
/// repeat is not a new attempt: the caller neither unlocks nor records it in the history (the window
/// runs from the journaled decision, not from its repeats), and journals it as a repeat, not as a
/// decision. Unknown faces and
/// remote or exit credentials are never suppressed here (no person to key on; the recognition stage
/// tracks strangers).</para>
/// </remarks>
public static class AccessPolicy
{
    public static AccessDecision Decide(AccessRequest request, IAccessHistoryView history, AccessSettings settings)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Credential);
        ArgumentNullException.ThrowIfNull(request.Door);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();

        var evaluation = new Evaluation(request, history, settings);
        return evaluation.Run();
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208:Instantiate argument exceptions correctly", Justification = "request is the parameter of AccessPolicy.Decide, passed on through the primary constructor.")]
    private sealed class Evaluation(AccessRequest request, IAccessHistoryView history, AccessSettings settings)
    {
        private readonly Door door = request.Door;
        private readonly DateTimeOffset at = request.At;
        private readonly PassageDirection? passageDirection = request.Door.PassageFor(request.Side);
        private Person? matchedPerson;
        private Card? presentedCard;
        private string? personId;
        private AccessAlerts alerts;

        public AccessDecision Run()
        {
            switch (request.Credential)
            {
                case ExitButtonCredential:
                    return Decision(AccessOutcome.Granted, AccessReason.GrantedExit,
                        $"Exit button pressed: {door.Name} released for exit.") with { Direction = null, AntiPassbackGroup = null };

                case FaceCredential { LivenessPassed: false } spoof:
                    personId = spoof.PersonId;
                    alerts = AccessAlerts.SpoofAttempt;
                    return Denied(AccessReason.DeniedSpoof,
                        $"Face at {door.Name} failed the liveness check (photo, screen or mask suspected). Door stays locked.");

                case FaceCredential face:
                    return ResolveFace(face) ?? DecideForPerson();

                case CardCredential card:
                    return ResolveCard(card) ?? DecideForPerson();

                case RemoteCredential remote:
                    if (!door.Enabled)
                    {
                        return DoorDisabled();
                    }

                    return Decision(AccessOutcome.Granted, AccessReason.GrantedRemote,
                        $"{door.Name} unlocked remotely by {remote.OperatorId}: {remote.Reason}") with { Direction = null, AntiPassbackGroup = null };

                default:
                    throw new ArgumentException(
                        $"Unsupported credential {request.Credential.GetType().Name}.", nameof(request));
            }
        }

        /// <summary>Binds the face's person; returns a decision when it ends here (disabled door, unknown).</summary>
        private AccessDecision? ResolveFace(FaceCredential face)
        {
            personId = face.PersonId;
            if (face.PersonId is not null && request.Person is { } person)
            {
                if (!string.Equals(person.Id, face.PersonId, StringComparison.Ordinal))
                {
                    throw new ArgumentException(
                        $"The request's person '{person.Id}' is not the matched person '{face.PersonId}'.", nameof(request));
                }

                Bind(person);
            }

            if (!door.Enabled)
            {
                return DoorDisabled();
            }

            if (face.PersonId is null)
            {
                return Denied(AccessReason.DeniedUnknown, $"Face at {door.Name} not recognised.");
            }

            if (matchedPerson is null)
            {
                return Denied(AccessReason.DeniedUnknown,
                    $"Face at {door.Name} matched a person who is no longer on this gate.");
            }

            return null;
        }

        /// <summary>Binds the card and its holder; returns a decision when it ends here (disabled door, unknown).</summary>
        private AccessDecision? ResolveCard(CardCredential credential)
        {
            var uid = Card.NormaliseUid(credential.Uid);
            presentedCard = request.Card;
            if (presentedCard is not null)
            {
                if (!string.Equals(Card.NormaliseUid(presentedCard.Uid), uid, StringComparison.Ordinal))
                {
                    throw new ArgumentException(
                        $"The request's card '{presentedCard.Uid}' is not the card read '{uid}'.", nameof(request));
                }

                personId = presentedCard.PersonId;
                if (request.Person is { } person)
                {
                    if (!string.Equals(person.Id, presentedCard.PersonId, StringComparison.Ordinal))
                    {
                        throw new ArgumentException(
                            $"The request's person '{person.Id}' does not hold card '{uid}'.", nameof(request));
                    }

                    Bind(person);
                }
            }

            if (!door.Enabled)
            {
                return DoorDisabled();
            }

            if (presentedCard is null)
            {
                return Denied(AccessReason.DeniedUnknown, $"Card {uid} is not known at this gate.");
            }

            if (matchedPerson is null)
            {
                return Denied(AccessReason.DeniedUnknown, $"Card {uid} has no holder on this gate.");
            }

            return null;
        }

        private void Bind(Person person)
        {
            matchedPerson = person;
            personId = person.Id;
            if (person.WatchListed)
            {
                alerts |= AccessAlerts.WatchList;
            }
        }

        /// <summary>The person checks shared by face and card, in the documented order.</summary>
        private AccessDecision DecideForPerson()
        {
            var person = matchedPerson!;
            var name = person.DisplayName;

            if (person.Status == PersonStatus.Deregistered)
            {
                return Denied(AccessReason.DeniedRevoked, $"{name} is deregistered (moved out): access revoked.");
            }

            if (presentedCard is { Status: CardStatus.Revoked })
            {
                return Denied(AccessReason.DeniedRevoked,
                    $"Card {presentedCard.Uid} of {name} was revoked. Please contact the property office.");
            }

            if (person.Status == PersonStatus.Suspended)
            {
                return Denied(AccessReason.DeniedSuspended,
                    $"Access for {name} is suspended. Please contact the property office.");
            }

            if (person.WatchListed && settings.WatchList == WatchListAction.DenyAndAlert)
            {
                return Denied(AccessReason.AlertWatchList,
                    $"{name} is on the watch list: door stays locked, security alerted.{WatchListNote(person)}");
            }

            if (person.ValidFrom is { } from && at < from)
            {
                return Denied(AccessReason.DeniedNotYetValid,
                    $"Access for {name} starts on {Local(from)}.");
            }

            if (person.ValidUntil is { } until && at > until)
            {
                return Denied(AccessReason.DeniedExpired,
                    $"Residence validity of {name} ended on {Local(until)}. Please renew at the property office.");
            }

            if (presentedCard is { } card && card.IsExpired(at))
            {
                return Denied(AccessReason.DeniedExpired,
                    $"Card {card.Uid} of {name} expired on {Local(card.ValidUntil)}. Please renew it at the property office.");
            }

            if (!door.ScheduleFor(person.Category).IsOpenAt(at, settings.TimeZone))
            {
                return Denied(AccessReason.DeniedSchedule,
                    $"{name} ({person.Category}) may not pass {door.Name} at {LocalTime(at)}: outside the door's hours.");
            }

            if (history.LastDecision(person.Id, door.Id) is { Granted: true } lastGrant && WithinCooldown(lastGrant.At))
            {
                return Suppressed(lastGrant, $"{name} was let in {Ago(lastGrant.At)} ago; not unlocking again.");
            }

            var passbackNote = string.Empty;
            if (settings.Passback != PassbackMode.Off
                && door.AntiPassbackGroup is { } group
                && passageDirection is { } direction
                && history.LastPassage(person.Id, group) is { } lastPassage
                && lastPassage.Direction == direction
                && (settings.PassbackExpiresAfter is not { } expiry || at - lastPassage.At < expiry))
            {
                var said = direction == PassageDirection.Entry
                    ? $"{name} entered at {LocalTime(lastPassage.At)} and has not left since"
                    : $"{name} left at {LocalTime(lastPassage.At)} and has not entered since";
                if (settings.Passback == PassbackMode.Hard)
                {
                    return Denied(AccessReason.DeniedPassback,
                        $"{said}: anti-passback, door stays locked.");
                }

                alerts |= AccessAlerts.PassbackViolation;
                passbackNote = $" Anti-passback: {said}.";
            }

            var watchNote = person.WatchListed ? $" Watch list: security alerted.{WatchListNote(person)}" : string.Empty;
            return request.Credential.Kind == CredentialKind.Face
                ? Decision(AccessOutcome.Granted, AccessReason.GrantedFace, $"Welcome, {name}.{passbackNote}{watchNote}")
                : Decision(AccessOutcome.Granted, AccessReason.GrantedCard, $"Welcome, {name}.{passbackNote}{watchNote}");
        }

        private AccessDecision DoorDisabled() =>
            Denied(AccessReason.DeniedDoorDisabled, $"{door.Name} is out of service: it opens for nobody.");

        /// <summary>A denial, or a suppressed repeat when the same denial was journaled within the cooldown.</summary>
        private AccessDecision Denied(AccessReason reason, string message)
        {
            if (personId is not null
                && history.LastDecision(personId, door.Id) is { Granted: false } last
                && last.Reason == reason
                && WithinCooldown(last.At))
            {
                return Suppressed(last, $"Same as {Ago(last.At)} ago: {message}");
            }

            return Decision(AccessOutcome.Denied, reason, message);
        }

        private AccessDecision Suppressed(RecentDecision repeated, string message) =>
            Decision(AccessOutcome.Suppressed, AccessReason.SuppressedCooldown, message) with
            {
                Alerts = AccessAlerts.None,
                RepeatOf = repeated.Reason,
            };

        private AccessDecision Decision(AccessOutcome outcome, AccessReason reason, string message) => new()
        {
            Outcome = outcome,
            Reason = reason,
            Alerts = alerts,
            Message = message,
            Credential = request.Credential,
            PersonId = personId,
            CardUid = request.Credential is CardCredential card ? Card.NormaliseUid(card.Uid) : null,
            DoorId = door.Id,
            At = at,
            Direction = passageDirection,
            AntiPassbackGroup = door.AntiPassbackGroup,
        };

        /// <summary>
        /// Within the cooldown on either side: a decision "from the future" (the box's clock was set back)
        /// counts as recent rather than letting a repeat through.
        /// </summary>
        private bool WithinCooldown(DateTimeOffset earlier) => (at - earlier).Duration() < settings.Cooldown;

        private string Ago(DateTimeOffset earlier) =>
            ((at - earlier).Duration().TotalSeconds).ToString("0.#", CultureInfo.InvariantCulture) + " s";

        private string Local(DateTimeOffset instant) =>
            TimeZoneInfo.ConvertTime(instant, settings.TimeZone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

        private string LocalTime(DateTimeOffset instant) =>
            TimeZoneInfo.ConvertTime(instant, settings.TimeZone).ToString("HH:mm", CultureInfo.InvariantCulture);

        private static string WatchListNote(Person person) =>
            string.IsNullOrWhiteSpace(person.WatchListNote) ? string.Empty : $" Note: {person.WatchListNote}";
    }
}
