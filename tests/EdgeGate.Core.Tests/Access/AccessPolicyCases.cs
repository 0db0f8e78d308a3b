using EdgeGate.Core.Access;
using EdgeGate.Core.Persons;
using static EdgeGate.Core.Tests.Access.PolicyWorld;

namespace EdgeGate.Core.Tests.Access;

/// <summary>One row of the policy table: earlier presentations (decided and recorded in order), then the one under test.</summary>
internal sealed record PolicyCase(
    string Name,
    AccessRequest Request,
    AccessOutcome Outcome,
    AccessReason Reason,
    AccessAlerts Alerts = AccessAlerts.None)
{
    public AccessSettings Settings { get; init; } = PolicyWorld.Settings;
    public IReadOnlyList<AccessRequest> Prior { get; init; } = [];
    public AccessReason? RepeatOf { get; init; }
}

internal static class AccessPolicyCases
{
    private const AccessOutcome Granted = AccessOutcome.Granted;
    private const AccessOutcome Denied = AccessOutcome.Denied;
    private const AccessOutcome Suppressed = AccessOutcome.Suppressed;

    private static readonly AccessSettings AllowWatchList = PolicyWorld.Settings with { WatchList = WatchListAction.AllowAndAlert };
    private static readonly AccessSettings SoftPassback = PolicyWorld.Settings with { Passback = PassbackMode.Soft };
    private static readonly AccessSettings NoPassback = PolicyWorld.Settings with { Passback = PassbackMode.Off };
    private static readonly AccessSettings NoCooldown = PolicyWorld.Settings with { Cooldown = TimeSpan.Zero };
    private static readonly AccessSettings TimedPassback = PolicyWorld.Settings with { PassbackExpiresAfter = TimeSpan.FromHours(1) };

    private static readonly Person AnaWatched = Ana with { WatchListed = true, WatchListNote = "trespass order" };
    private static readonly Person AnaGone = Ana with { Status = PersonStatus.Deregistered };
    private static readonly Person AnaSuspended = Ana with { Status = PersonStatus.Suspended };
    private static readonly Person AnaExpired = Ana with { ValidUntil = Nov(1, 0) };
    private static readonly Person AnaFuture = Ana with { ValidFrom = Nov(24, 0) };
    private static readonly Person AnaUnbounded = Ana with { ValidFrom = null, ValidUntil = null };
    private static readonly Card AnaCardRevoked = AnaCard with { Status = CardStatus.Revoked };
    private static readonly Card AnaCardExpired = AnaCard with { ValidUntil = Nov(1, 0) };
    private static readonly Card AnaCardEndsAtTen = AnaCard with { ValidUntil = Monday10 };

    public static readonly IReadOnlyList<PolicyCase> All = Build().ToArray();

    public static readonly IReadOnlyDictionary<string, PolicyCase> ByName = All.ToDictionary(item => item.Name);

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var item in All)
        {
            data.Add(item.Name);
        }

        return data;
    }

    private static IEnumerable<PolicyCase> Build()
    {
        // --- grants and credential kinds
        yield return new("face resident granted", Face(Ana, Monday10), Granted, AccessReason.GrantedFace);
        yield return new("card resident granted", Tap(AnaCard, Ana, Monday10), Granted, AccessReason.GrantedCard);
        yield return new("card number read in lower case with spaces", Tap(AnaCard, Ana, Monday10, uidRead: "  ca01 "), Granted, AccessReason.GrantedCard);
        yield return new("remote unlock needs no person", Remote(Monday10), Granted, AccessReason.GrantedRemote);
        yield return new("remote unlock outside any schedule", Remote(Nov(28, 3)), Granted, AccessReason.GrantedRemote);
        yield return new("exit button granted", ExitButton(Monday10, MainOut), Granted, AccessReason.GrantedExit);
        yield return new("exit button on disabled door still granted", ExitButton(Monday10, DisabledDoor), Granted, AccessReason.GrantedExit);
        yield return new("face needs no card: expired card in request ignored",
            Face(Ana, Monday10) with { Card = AnaCardExpired }, Granted, AccessReason.GrantedFace);
        yield return new("low liveness score but passed verdict is trusted", Face(Ana, Monday10, liveness: 0.51), Granted, AccessReason.GrantedFace);

        // --- unknown
        yield return new("stranger face", Stranger(Monday10), Denied, AccessReason.DeniedUnknown);
        yield return new("unknown face with high similarity but no person id", Stranger(Monday10, similarity: 0.95), Denied, AccessReason.DeniedUnknown);
        yield return new("matched person id whose record is absent", Face(null, Monday10, similarity: 0.9, matchedId: "p-deleted"), Denied, AccessReason.DeniedUnknown);
        yield return new("unknown card", Tap(null, null, Monday10, uidRead: "DEAD01"), Denied, AccessReason.DeniedUnknown);
        yield return new("known card, holder absent", Tap(AnaCard, null, Monday10), Denied, AccessReason.DeniedUnknown);

        // --- spoof first
        yield return new("spoof of a known resident", Face(Ana, Monday10, live: false, liveness: 0.08), Denied, AccessReason.DeniedSpoof, AccessAlerts.SpoofAttempt);
        yield return new("spoof beats unknown", Stranger(Monday10, live: false), Denied, AccessReason.DeniedSpoof, AccessAlerts.SpoofAttempt);
        yield return new("spoof beats deregistered", Face(AnaGone, Monday10, live: false), Denied, AccessReason.DeniedSpoof, AccessAlerts.SpoofAttempt);
        yield return new("spoof beats watch list, no watch-list alert", Face(AnaWatched, Monday10, live: false), Denied, AccessReason.DeniedSpoof, AccessAlerts.SpoofAttempt);
        yield return new("spoof beats disabled door", Face(Ana, Monday10, DisabledDoor, live: false), Denied, AccessReason.DeniedSpoof, AccessAlerts.SpoofAttempt);
        yield return new("failed verdict wins over a high liveness score", Face(Ana, Monday10, live: false, liveness: 0.99), Denied, AccessReason.DeniedSpoof, AccessAlerts.SpoofAttempt);

        // --- disabled door
        yield return new("face on disabled door", Face(Ana, Monday10, DisabledDoor), Denied, AccessReason.DeniedDoorDisabled);
        yield return new("card on disabled door", Tap(AnaCard, Ana, Monday10, DisabledDoor), Denied, AccessReason.DeniedDoorDisabled);
        yield return new("remote unlock on disabled door", Remote(Monday10, DisabledDoor), Denied, AccessReason.DeniedDoorDisabled);
        yield return new("unknown card on disabled door", Tap(null, null, Monday10, DisabledDoor, uidRead: "DEAD01"), Denied, AccessReason.DeniedDoorDisabled);
        yield return new("stranger on disabled door", Stranger(Monday10, DisabledDoor), Denied, AccessReason.DeniedDoorDisabled);
        yield return new("watch-listed on disabled door keeps the alert", Face(AnaWatched, Monday10, DisabledDoor), Denied, AccessReason.DeniedDoorDisabled, AccessAlerts.WatchList);

        // --- revoked
        yield return new("deregistered face", Face(AnaGone, Monday10), Denied, AccessReason.DeniedRevoked);
        yield return new("deregistered card holder", Tap(AnaCard, AnaGone, Monday10), Denied, AccessReason.DeniedRevoked);
        yield return new("revoked card, active holder", Tap(AnaCardRevoked, Ana, Monday10), Denied, AccessReason.DeniedRevoked);
        yield return new("deregistered and watch-listed: revoked wins, alert kept",
            Face(AnaGone with { WatchListed = true }, Monday10), Denied, AccessReason.DeniedRevoked, AccessAlerts.WatchList);
        yield return new("deregistered beats expired", Face(AnaGone with { ValidUntil = Nov(1, 0) }, Monday10), Denied, AccessReason.DeniedRevoked);
        yield return new("revoked card beats expired card", Tap(AnaCardRevoked with { ValidUntil = Nov(1, 0) }, Ana, Monday10), Denied, AccessReason.DeniedRevoked);
        yield return new("revoked card beats suspended holder", Tap(AnaCardRevoked, AnaSuspended, Monday10), Denied, AccessReason.DeniedRevoked);
        yield return new("revoked card does not matter for face", Face(Ana, Monday10) with { Card = AnaCardRevoked }, Granted, AccessReason.GrantedFace);

        // --- suspended
        yield return new("suspended face", Face(AnaSuspended, Monday10), Denied, AccessReason.DeniedSuspended);
        yield return new("suspended card holder", Tap(AnaCard, AnaSuspended, Monday10), Denied, AccessReason.DeniedSuspended);
        yield return new("suspended and watch-listed: suspended wins, alert kept",
            Face(AnaSuspended with { WatchListed = true }, Monday10), Denied, AccessReason.DeniedSuspended, AccessAlerts.WatchList);
        yield return new("suspended beats expired", Face(AnaSuspended with { ValidUntil = Nov(1, 0) }, Monday10), Denied, AccessReason.DeniedSuspended);

        // --- watch list
        yield return new("watch-listed face, default deny", Face(AnaWatched, Monday10), Denied, AccessReason.AlertWatchList, AccessAlerts.WatchList);
        yield return new("watch-listed card, default deny", Tap(AnaCard, AnaWatched, Monday10), Denied, AccessReason.AlertWatchList, AccessAlerts.WatchList);
        yield return new("watch-listed face, site allows", Face(AnaWatched, Monday10), Granted, AccessReason.GrantedFace, AccessAlerts.WatchList) { Settings = AllowWatchList };
        yield return new("watch-listed card, site allows", Tap(AnaCard, AnaWatched, Monday10), Granted, AccessReason.GrantedCard, AccessAlerts.WatchList) { Settings = AllowWatchList };
        yield return new("watch list beats expired", Face(AnaWatched with { ValidUntil = Nov(1, 0) }, Monday10), Denied, AccessReason.AlertWatchList, AccessAlerts.WatchList);
        yield return new("watch list beats not yet valid", Face(AnaWatched with { ValidFrom = Nov(24, 0) }, Monday10), Denied, AccessReason.AlertWatchList, AccessAlerts.WatchList);
        yield return new("watch list beats schedule", Face(Sam with { WatchListed = true }, Nov(28, 10)), Denied, AccessReason.AlertWatchList, AccessAlerts.WatchList);
        yield return new("site allows watch-listed, but validity ended",
            Face(AnaWatched with { ValidUntil = Nov(1, 0) }, Monday10), Denied, AccessReason.DeniedExpired, AccessAlerts.WatchList) { Settings = AllowWatchList };
        yield return new("site allows watch-listed, but outside schedule",
            Face(Sam with { WatchListed = true }, Nov(28, 10)), Denied, AccessReason.DeniedSchedule, AccessAlerts.WatchList) { Settings = AllowWatchList };

        // --- person validity window (closed)
        yield return new("exactly at ValidFrom", Face(Ana, Ana.ValidFrom!.Value), Granted, AccessReason.GrantedFace);
        yield return new("one tick before ValidFrom", Face(Ana, Ana.ValidFrom!.Value - Tick), Denied, AccessReason.DeniedNotYetValid);
        yield return new("one tick after ValidFrom", Face(Ana, Ana.ValidFrom!.Value + Tick), Granted, AccessReason.GrantedFace);
        yield return new("exactly at ValidUntil", Face(Ana, Ana.ValidUntil!.Value), Granted, AccessReason.GrantedFace);
        yield return new("one tick before ValidUntil", Face(Ana, Ana.ValidUntil!.Value - Tick), Granted, AccessReason.GrantedFace);
        yield return new("one tick after ValidUntil", Face(Ana, Ana.ValidUntil!.Value + Tick), Denied, AccessReason.DeniedExpired);
        yield return new("one tick after ValidUntil by card", Tap(AnaCard, Ana, Ana.ValidUntil!.Value + Tick), Denied, AccessReason.DeniedExpired);
        yield return new("not yet valid by card", Tap(AnaCard, AnaFuture, Monday10), Denied, AccessReason.DeniedNotYetValid);
        yield return new("ValidUntil given in UTC, same instant", Face(Ana with { ValidUntil = Monday10.ToUniversalTime() }, Monday10), Granted, AccessReason.GrantedFace);
        yield return new("ValidUntil given in UTC, one tick after", Face(Ana with { ValidUntil = Monday10.ToUniversalTime() }, Monday10 + Tick), Denied, AccessReason.DeniedExpired);
        yield return new("no validity bounds, far future", Face(AnaUnbounded, Local(2040, 1, 1, 10)), Granted, AccessReason.GrantedFace);
        yield return new("visitor on last morning", Face(Vic, Nov(29, 10)), Granted, AccessReason.GrantedFace);
        yield return new("visitor after leaving date", Face(Vic, Nov(30, 10)), Denied, AccessReason.DeniedExpired);
        yield return new("not yet valid beats card expired", Tap(AnaCardExpired, AnaFuture, Monday10), Denied, AccessReason.DeniedNotYetValid);
        yield return new("person expiry beats card expiry", Tap(AnaCardExpired, AnaExpired, Monday10), Denied, AccessReason.DeniedExpired);

        // --- card expiry (closed: valid at its ValidUntil)
        yield return new("card exactly at its ValidUntil", Tap(AnaCardEndsAtTen, Ana, Monday10), Granted, AccessReason.GrantedCard);
        yield return new("card one tick before its ValidUntil", Tap(AnaCardEndsAtTen, Ana, Monday10 - Tick), Granted, AccessReason.GrantedCard);
        yield return new("card one tick after its ValidUntil", Tap(AnaCardEndsAtTen, Ana, Monday10 + Tick), Denied, AccessReason.DeniedExpired);
        yield return new("card long expired", Tap(AnaCardExpired, Ana, Monday10), Denied, AccessReason.DeniedExpired);
        yield return new("card expired beats schedule", Tap(SamCard with { ValidUntil = Nov(1, 0) }, Sam, Nov(28, 10)), Denied, AccessReason.DeniedExpired);

        // --- schedules (staff on the main gate: weekdays 07:00-19:00)
        yield return new("staff at opening 07:00", Face(Sam, Nov(23, 7)), Granted, AccessReason.GrantedFace);
        yield return new("staff one tick before opening", Face(Sam, Nov(23, 7) - Tick), Denied, AccessReason.DeniedSchedule);
        yield return new("staff one tick before closing", Face(Sam, Nov(23, 19) - Tick), Granted, AccessReason.GrantedFace);
        yield return new("staff at closing 19:00 (end exclusive)", Face(Sam, Nov(23, 19)), Denied, AccessReason.DeniedSchedule);
        yield return new("staff on Saturday", Face(Sam, Nov(28, 10)), Denied, AccessReason.DeniedSchedule);
        yield return new("staff by card outside hours", Tap(SamCard, Sam, Nov(23, 20)), Denied, AccessReason.DeniedSchedule);
        yield return new("resident has no schedule: Saturday 03:00", Face(Ana, Nov(28, 3)), Granted, AccessReason.GrantedFace);
        yield return new("holiday closed (Wed 25)", Face(Sam, Nov(25, 10)), Denied, AccessReason.DeniedSchedule);
        yield return new("holiday own hours, before (Thu 26 09:59)", Face(Sam, Nov(26, 9, 59)), Denied, AccessReason.DeniedSchedule);
        yield return new("holiday own hours, at start (Thu 26 10:00)", Face(Sam, Nov(26, 10)), Granted, AccessReason.GrantedFace);
        yield return new("holiday own hours, at end (Thu 26 14:00)", Face(Sam, Nov(26, 14)), Denied, AccessReason.DeniedSchedule);
        yield return new("instant in UTC converted to site time: 04:00Z is 07:00 local", Face(Sam, new DateTimeOffset(2026, 11, 23, 4, 0, 0, TimeSpan.Zero)), Granted, AccessReason.GrantedFace);
        yield return new("instant in UTC converted to site time: 03:59Z is 06:59 local", Face(Sam, new DateTimeOffset(2026, 11, 23, 3, 59, 0, TimeSpan.Zero)), Denied, AccessReason.DeniedSchedule);
        yield return new("visitor Saturday noon", Face(Vic, Nov(28, 12)), Granted, AccessReason.GrantedFace);
        yield return new("visitor Saturday 08:00", Face(Vic, Nov(28, 8)), Denied, AccessReason.DeniedSchedule);

        // --- night schedule crossing midnight (service door, staff: Sun-Thu 22:00-06:00)
        yield return new("night: Sunday 23:00", Face(Sam, Nov(22, 23), ServiceDoor), Granted, AccessReason.GrantedFace);
        yield return new("night: Sunday 22:00 start", Face(Sam, Nov(22, 22), ServiceDoor), Granted, AccessReason.GrantedFace);
        yield return new("night: Sunday one tick before 22:00", Face(Sam, Nov(22, 22) - Tick, ServiceDoor), Denied, AccessReason.DeniedSchedule);
        yield return new("night: Monday 00:00 (Sunday's range goes on)", Face(Sam, Nov(23, 0), ServiceDoor), Granted, AccessReason.GrantedFace);
        yield return new("night: Monday one tick before 06:00", Face(Sam, Nov(23, 6) - Tick, ServiceDoor), Granted, AccessReason.GrantedFace);
        yield return new("night: Monday 06:00 end", Face(Sam, Nov(23, 6), ServiceDoor), Denied, AccessReason.DeniedSchedule);
        yield return new("night: Monday noon", Face(Sam, Nov(23, 12), ServiceDoor), Denied, AccessReason.DeniedSchedule);
        yield return new("night: Friday 01:00 from Thursday's range", Face(Sam, Nov(27, 1), ServiceDoor), Granted, AccessReason.GrantedFace);
        yield return new("night: Sunday 01:00, Saturday has no range", Face(Sam, Nov(22, 1), ServiceDoor), Denied, AccessReason.DeniedSchedule);
        yield return new("night: holiday Friday 23:00 own range", Face(Sam, Nov(27, 23), ServiceDoor), Granted, AccessReason.GrantedFace);
        yield return new("night: Saturday 01:59 spills from holiday Friday", Face(Sam, Nov(28, 1, 59), ServiceDoor), Granted, AccessReason.GrantedFace);
        yield return new("night: Saturday 02:00 holiday range ended", Face(Sam, Nov(28, 2), ServiceDoor), Denied, AccessReason.DeniedSchedule);
        yield return new("night: Sunday 29 closed holiday, 23:00", Face(Sam, Nov(29, 23), ServiceDoor), Denied, AccessReason.DeniedSchedule);
        yield return new("night: Monday 30 01:00, closed Sunday spills nothing", Face(Sam, Nov(30, 1), ServiceDoor), Denied, AccessReason.DeniedSchedule);

        // --- cooldown (10 s): one person in view unlocks once; the same denial is not journaled twice
        yield return new("repeat face grant 5 s later", Face(Ana, Monday10.AddSeconds(5), ServiceDoor), Suppressed, AccessReason.SuppressedCooldown)
        { Prior = [Face(Ana, Monday10, ServiceDoor)], RepeatOf = AccessReason.GrantedFace };
        yield return new("repeat one tick before the cooldown ends", Face(Ana, Monday10.AddSeconds(10) - Tick, ServiceDoor), Suppressed, AccessReason.SuppressedCooldown)
        { Prior = [Face(Ana, Monday10, ServiceDoor)], RepeatOf = AccessReason.GrantedFace };
        yield return new("repeat exactly when the cooldown ends", Face(Ana, Monday10.AddSeconds(10), ServiceDoor), Granted, AccessReason.GrantedFace)
        { Prior = [Face(Ana, Monday10, ServiceDoor)] };
        yield return new("card 3 s after a face grant", Tap(AnaCard, Ana, Monday10.AddSeconds(3), ServiceDoor), Suppressed, AccessReason.SuppressedCooldown)
        { Prior = [Face(Ana, Monday10, ServiceDoor)], RepeatOf = AccessReason.GrantedFace };
        yield return new("same person at another door 3 s later", Face(Ana, Monday10.AddSeconds(3), Lobby, side: PassageDirection.Entry), Granted, AccessReason.GrantedFace)
        { Prior = [Face(Ana, Monday10, ServiceDoor)] };
        yield return new("another person at the same door 3 s later", Face(Ben, Monday10.AddSeconds(3), ServiceDoor), Granted, AccessReason.GrantedFace)
        { Prior = [Face(Ana, Monday10, ServiceDoor)] };
        yield return new("revoked 3 s after a grant is journaled", Face(AnaGone, Monday10.AddSeconds(3), ServiceDoor), Denied, AccessReason.DeniedRevoked)
        { Prior = [Face(Ana, Monday10, ServiceDoor)] };
        yield return new("same denial 5 s later", Face(AnaExpired, Monday10.AddSeconds(5)), Suppressed, AccessReason.SuppressedCooldown)
        { Prior = [Face(AnaExpired, Monday10)], RepeatOf = AccessReason.DeniedExpired };
        yield return new("same denial after the cooldown", Face(AnaExpired, Monday10.AddSeconds(10)), Denied, AccessReason.DeniedExpired)
        { Prior = [Face(AnaExpired, Monday10)] };
        yield return new("different denial 5 s later is journaled", Face(AnaGone, Monday10.AddSeconds(5)), Denied, AccessReason.DeniedRevoked)
        { Prior = [Face(AnaSuspended, Monday10)] };
        yield return new("grant 5 s after a denial is journaled", Face(Ana, Monday10.AddSeconds(5)), Granted, AccessReason.GrantedFace)
        { Prior = [Face(AnaSuspended, Monday10)] };
        yield return new("strangers are never suppressed", Stranger(Monday10.AddSeconds(1)), Denied, AccessReason.DeniedUnknown)
        { Prior = [Stranger(Monday10)] };
        yield return new("unknown cards are never suppressed", Tap(null, null, Monday10.AddSeconds(1), uidRead: "DEAD01"), Denied, AccessReason.DeniedUnknown)
        { Prior = [Tap(null, null, Monday10, uidRead: "DEAD01")] };
        yield return new("remote unlock is never suppressed", Remote(Monday10.AddSeconds(1)), Granted, AccessReason.GrantedRemote)
        { Prior = [Remote(Monday10)] };
        yield return new("cooldown zero: repeat grants again", Face(Ana, Monday10.AddSeconds(1), ServiceDoor), Granted, AccessReason.GrantedFace)
        { Prior = [Face(Ana, Monday10, ServiceDoor)], Settings = NoCooldown };
        yield return new("clock set back 5 s: still a repeat", Face(Ana, Monday10.AddSeconds(-5), ServiceDoor), Suppressed, AccessReason.SuppressedCooldown)
        { Prior = [Face(Ana, Monday10, ServiceDoor)], RepeatOf = AccessReason.GrantedFace };
        yield return new("watch-list denial repeated: suppressed, no second alert", Face(AnaWatched, Monday10.AddSeconds(2)), Suppressed, AccessReason.SuppressedCooldown)
        { Prior = [Face(AnaWatched, Monday10)], RepeatOf = AccessReason.AlertWatchList };
        yield return new("spoof of the same person repeated", Face(Ana, Monday10.AddSeconds(2), live: false), Suppressed, AccessReason.SuppressedCooldown)
        { Prior = [Face(Ana, Monday10, live: false)], RepeatOf = AccessReason.DeniedSpoof };

        // --- anti-passback (main group: main-in entry, main-out exit)
        yield return new("first entry", Face(Ana, Monday10), Granted, AccessReason.GrantedFace);
        yield return new("entry twice without exit", Face(Ana, Monday10.AddMinutes(1)), Denied, AccessReason.DeniedPassback)
        { Prior = [Face(Ana, Monday10)] };
        yield return new("entry, exit, entry", Face(Ana, Monday10.AddMinutes(2)), Granted, AccessReason.GrantedFace)
        { Prior = [Face(Ana, Monday10), Face(Ana, Monday10.AddMinutes(1), MainOut)] };
        yield return new("entry, exit, exit", Face(Ana, Monday10.AddMinutes(2), MainOut), Denied, AccessReason.DeniedPassback)
        { Prior = [Face(Ana, Monday10), Face(Ana, Monday10.AddMinutes(1), MainOut)] };
        yield return new("first passage an exit", Face(Ana, Monday10, MainOut), Granted, AccessReason.GrantedFace);
        yield return new("entry twice within the cooldown is a repeat, not passback", Face(Ana, Monday10.AddSeconds(4)), Suppressed, AccessReason.SuppressedCooldown)
        { Prior = [Face(Ana, Monday10)], RepeatOf = AccessReason.GrantedFace };
        yield return new("card entry then face entry", Face(Ana, Monday10.AddMinutes(1)), Denied, AccessReason.DeniedPassback)
        { Prior = [Tap(AnaCard, Ana, Monday10)] };
        yield return new("soft mode: entry twice granted with alert", Face(Ana, Monday10.AddMinutes(1)), Granted, AccessReason.GrantedFace, AccessAlerts.PassbackViolation)
        { Prior = [Face(Ana, Monday10)], Settings = SoftPassback };
        yield return new("soft mode: entry, entry, exit is clean", Face(Ana, Monday10.AddMinutes(2), MainOut), Granted, AccessReason.GrantedFace)
        { Prior = [Face(Ana, Monday10), Face(Ana, Monday10.AddMinutes(1))], Settings = SoftPassback };
        yield return new("soft mode with watch-listed allowed: both alerts",
            Face(AnaWatched, Monday10.AddMinutes(1)), Granted, AccessReason.GrantedFace, AccessAlerts.PassbackViolation | AccessAlerts.WatchList)
        { Prior = [Face(AnaWatched, Monday10)], Settings = SoftPassback with { WatchList = WatchListAction.AllowAndAlert } };
        yield return new("hard mode with watch-listed allowed: passback denial keeps alert",
            Face(AnaWatched, Monday10.AddMinutes(1)), Denied, AccessReason.DeniedPassback, AccessAlerts.WatchList)
        { Prior = [Face(AnaWatched, Monday10)], Settings = AllowWatchList };
        yield return new("passback off: entry twice", Face(Ana, Monday10.AddMinutes(1)), Granted, AccessReason.GrantedFace)
        { Prior = [Face(Ana, Monday10)], Settings = NoPassback };
        yield return new("timed passback: second entry before expiry", Face(Ana, Monday10.AddHours(1) - Tick), Denied, AccessReason.DeniedPassback)
        { Prior = [Face(Ana, Monday10)], Settings = TimedPassback };
        yield return new("timed passback: second entry at expiry", Face(Ana, Monday10.AddHours(1)), Granted, AccessReason.GrantedFace)
        { Prior = [Face(Ana, Monday10)], Settings = TimedPassback };
        yield return new("denied entry is no passage", Face(Ana, Monday10.AddMinutes(1)), Granted, AccessReason.GrantedFace)
        { Prior = [Face(AnaSuspended, Monday10)] };
        yield return new("spoof at entry is no passage", Face(Ana, Monday10.AddMinutes(1)), Granted, AccessReason.GrantedFace)
        { Prior = [Face(Ana, Monday10, live: false)] };
        yield return new("other group does not count", Face(Ana, Monday10.AddMinutes(1), GarageIn), Granted, AccessReason.GrantedFace)
        { Prior = [Face(Ana, Monday10)] };
        yield return new("other person does not count", Face(Ben, Monday10.AddMinutes(1)), Granted, AccessReason.GrantedFace)
        { Prior = [Face(Ana, Monday10)] };
        yield return new("two-way door, entry side twice", Face(Ana, Monday10.AddMinutes(1), Lobby, side: PassageDirection.Entry), Denied, AccessReason.DeniedPassback)
        { Prior = [Face(Ana, Monday10, Lobby, side: PassageDirection.Entry)] };
        yield return new("two-way door, entry then exit side", Face(Ana, Monday10.AddMinutes(1), Lobby, side: PassageDirection.Exit), Granted, AccessReason.GrantedFace)
        { Prior = [Face(Ana, Monday10, Lobby, side: PassageDirection.Entry)] };
        yield return new("two-way door, side unknown: no passback check", Face(Ana, Monday10.AddMinutes(1), Lobby), Granted, AccessReason.GrantedFace)
        { Prior = [Face(Ana, Monday10, Lobby, side: PassageDirection.Entry)] };
        yield return new("one-way door with a matching side", Face(Ana, Monday10.AddMinutes(1), side: PassageDirection.Entry), Denied, AccessReason.DeniedPassback)
        { Prior = [Face(Ana, Monday10)] };
        yield return new("passback denial repeated: suppressed", Face(Ana, Monday10.AddMinutes(1).AddSeconds(3)), Suppressed, AccessReason.SuppressedCooldown)
        { Prior = [Face(Ana, Monday10), Face(Ana, Monday10.AddMinutes(1))], RepeatOf = AccessReason.DeniedPassback };
        yield return new("remote unlock records no passage", Face(Ana, Monday10.AddMinutes(1)), Granted, AccessReason.GrantedFace)
        { Prior = [Remote(Monday10)] };
        yield return new("exit button does not count as an exit (it identifies no one)", Face(Ana, Monday10.AddMinutes(1)), Denied, AccessReason.DeniedPassback)
        { Prior = [Face(Ana, Monday10), ExitButton(Monday10.AddSeconds(30), MainOut)] };
    }
}
