using EdgeGate.Core.Access;
using static EdgeGate.Core.Tests.Access.PolicyWorld;

namespace EdgeGate.Core.Tests.Access;

public sealed class AccessPolicyTests
{
    public static TheoryData<string> CaseNames() => AccessPolicyCases.Names();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Decides_as_the_table_says(string name)
    {
        var item = AccessPolicyCases.ByName[name];
        var history = new AccessHistory();
        foreach (var prior in item.Prior)
        {
            history.Record(AccessPolicy.Decide(prior, history, item.Settings));
        }

        var decision = AccessPolicy.Decide(item.Request, history, item.Settings);

        Assert.Equal(
            (item.Outcome, item.Reason, item.Alerts),
            (decision.Outcome, decision.Reason, decision.Alerts));
        Assert.Equal(item.RepeatOf, decision.RepeatOf);
        Assert.Equal(item.Outcome == AccessOutcome.Granted, decision.Granted);
        Assert.Equal(item.Outcome == AccessOutcome.Suppressed, decision.IsRepeat);
        Assert.Equal(item.Request.Door.Id, decision.DoorId);
        Assert.Equal(item.Request.At, decision.At);
        Assert.Same(item.Request.Credential, decision.Credential);
        Assert.False(string.IsNullOrWhiteSpace(decision.Message));
    }

    [Fact]
    public void Table_covers_every_reason_code_and_is_large()
    {
        var covered = AccessPolicyCases.All.Select(item => item.Reason).ToHashSet();
        var missing = Enum.GetValues<AccessReason>().Where(reason => !covered.Contains(reason)).ToList();
        Assert.Empty(missing);
        Assert.True(AccessPolicyCases.All.Count >= 80, $"only {AccessPolicyCases.All.Count} cases");
        Assert.Equal(AccessPolicyCases.All.Count, AccessPolicyCases.ByName.Count);
    }

    [Fact]
    public void Same_inputs_give_the_same_decision_and_leave_the_history_alone()
    {
        var history = new AccessHistory();
        history.Record(AccessPolicy.Decide(Face(Ana, Monday10), history, Settings));
        var request = Face(Ana, Monday10.AddMinutes(1));

        var first = AccessPolicy.Decide(request, history, Settings);
        var second = AccessPolicy.Decide(request, history, Settings);

        Assert.Equal(first, second);
        Assert.Equal(AccessReason.DeniedPassback, first.Reason);
        Assert.Equal(1, history.DecisionCount);
        Assert.Equal(1, history.PassageCount);
    }

    [Fact]
    public void Expired_messages_say_renew_at_the_property_office()
    {
        var history = new AccessHistory();
        var person = AccessPolicy.Decide(Face(Ana, Ana.ValidUntil!.Value + Tick), history, Settings);
        var card = AccessPolicy.Decide(Tap(AnaCard with { ValidUntil = Nov(1, 0) }, Ana, Monday10), history, Settings);

        Assert.Equal("DENIED_EXPIRED", person.ReasonCode);
        Assert.Equal("DENIED_EXPIRED", card.ReasonCode);
        Assert.Contains("renew at the property office", person.Message, StringComparison.Ordinal);
        Assert.Contains("Residence validity of Ana Resident ended on 2026-12-31 23:59", person.Message, StringComparison.Ordinal);
        Assert.Contains("renew it at the property office", card.Message, StringComparison.Ordinal);
        Assert.Contains("Card CA01", card.Message, StringComparison.Ordinal);
        Assert.Contains("2026-11-01 00:00", card.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_are_in_site_local_time()
    {
        var utcInstant = new DateTimeOffset(2026, 11, 23, 21, 30, 0, TimeSpan.Zero); // 00:30 Tuesday local
        var decision = AccessPolicy.Decide(Face(Sam, utcInstant), new AccessHistory(), Settings);

        Assert.Equal(AccessReason.DeniedSchedule, decision.Reason);
        Assert.Contains("at 00:30", decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Watch_list_decisions_tell_the_console_and_carry_the_note()
    {
        var watched = Ana with { WatchListed = true, WatchListNote = "trespass order" };
        var denied = AccessPolicy.Decide(Face(watched, Monday10), new AccessHistory(), Settings);
        var allowed = AccessPolicy.Decide(Face(watched, Monday10), new AccessHistory(),
            Settings with { WatchList = WatchListAction.AllowAndAlert });

        Assert.Equal("ALERT_WATCHLIST", denied.ReasonCode);
        Assert.False(denied.Granted);
        Assert.Contains("trespass order", denied.Message, StringComparison.Ordinal);
        Assert.True(allowed.Granted);
        Assert.Equal(AccessAlerts.WatchList, allowed.Alerts);
        Assert.Contains("Watch list", allowed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decision_carries_identity_card_and_passage_for_the_journal()
    {
        var decision = AccessPolicy.Decide(Tap(AnaCard, Ana, Monday10, uidRead: " ca01"), new AccessHistory(), Settings);

        Assert.Equal(Ana.Id, decision.PersonId);
        Assert.Equal("CA01", decision.CardUid);
        Assert.Equal(PassageDirection.Entry, decision.Direction);
        Assert.Equal("main", decision.AntiPassbackGroup);
        Assert.Equal("GRANTED_CARD", decision.ReasonCode);
    }

    [Fact]
    public void Spoof_keeps_the_matched_identity_for_investigation_but_no_watch_list_alert()
    {
        var decision = AccessPolicy.Decide(
            Face(Ana with { WatchListed = true }, Monday10, live: false), new AccessHistory(), Settings);

        Assert.Equal(Ana.Id, decision.PersonId);
        Assert.Equal(AccessAlerts.SpoofAttempt, decision.Alerts);
    }

    [Fact]
    public void Suppressed_repeat_does_not_extend_the_cooldown()
    {
        var history = new AccessHistory();
        var settings = Settings with { Cooldown = TimeSpan.FromSeconds(10) };
        var door = ServiceDoor;
        Assert.True(history.Record(AccessPolicy.Decide(Face(Ana, Monday10, door), history, settings)));

        var repeat = AccessPolicy.Decide(Face(Ana, Monday10.AddSeconds(8), door), history, settings);
        Assert.Equal(AccessOutcome.Suppressed, repeat.Outcome);
        Assert.False(history.Record(repeat));

        var later = AccessPolicy.Decide(Face(Ana, Monday10.AddSeconds(12), door), history, settings);
        Assert.Equal(AccessOutcome.Granted, later.Outcome);
    }

    [Fact]
    public void Person_standing_in_view_at_an_entry_with_passback_unlocks_once_then_one_denial()
    {
        var history = new AccessHistory();
        var outcomes = new List<string>();
        for (var second = 0; second <= 40; second += 2)
        {
            var decision = AccessPolicy.Decide(Face(Ana, Monday10.AddSeconds(second)), history, Settings);
            history.Record(decision);
            if (!decision.IsRepeat)
            {
                outcomes.Add($"{second}:{decision.ReasonCode}");
            }
        }

        // The grant at 0 s, repeats suppressed until 10 s, then one passback denial (decided once per
        // cooldown window, the repeats in between are only repeats) because she never left.
        Assert.Equal(["0:GRANTED_FACE", "10:DENIED_PASSBACK", "20:DENIED_PASSBACK", "30:DENIED_PASSBACK", "40:DENIED_PASSBACK"], outcomes);
    }

    [Fact]
    public void Inconsistent_requests_are_caller_bugs()
    {
        var history = new AccessHistory();
        Assert.Throws<ArgumentException>(() => AccessPolicy.Decide(Face(Ben, Monday10, matchedId: Ana.Id), history, Settings));
        Assert.Throws<ArgumentException>(() => AccessPolicy.Decide(Tap(AnaCard, Ben, Monday10), history, Settings));
        Assert.Throws<ArgumentException>(() => AccessPolicy.Decide(Tap(AnaCard, Ana, Monday10, uidRead: "CA02"), history, Settings));
        Assert.Throws<ArgumentException>(() => AccessPolicy.Decide(Face(Ana, Monday10, MainIn, side: PassageDirection.Exit), history, Settings));
    }

    [Fact]
    public void Invalid_settings_are_rejected()
    {
        var history = new AccessHistory();
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            AccessPolicy.Decide(Face(Ana, Monday10), history, Settings with { Cooldown = TimeSpan.FromSeconds(-1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            AccessPolicy.Decide(Face(Ana, Monday10), history, Settings with { PassbackExpiresAfter = TimeSpan.Zero }));
        Assert.Throws<ArgumentNullException>(() =>
            AccessPolicy.Decide(Face(Ana, Monday10), history, Settings with { TimeZone = null! }));
    }

    [Fact]
    public void Schedule_follows_daylight_saving_in_the_site_zone()
    {
        // A zone at UTC+1 with summer time (+2) from the last Sunday of March 02:00 to the last
        // Sunday of October 03:00, built explicitly so the test does not depend on tzdata.
        var rule = TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(
            new DateTime(2000, 1, 1), new DateTime(2099, 12, 31), TimeSpan.FromHours(1),
            TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 2, 0, 0), 3, 5, DayOfWeek.Sunday),
            TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 3, 0, 0), 10, 5, DayOfWeek.Sunday));
        var zone = TimeZoneInfo.CreateCustomTimeZone("Site+1/+2", TimeSpan.FromHours(1), "Site", "Site", "Site summer", [rule]);
        var settings = Settings with { TimeZone = zone };

        // Monday 6 July 2026, 05:00Z is 07:00 summer time (open); 04:59Z is 06:59 (closed).
        Assert.Equal(AccessReason.GrantedFace,
            AccessPolicy.Decide(Face(Sam, new DateTimeOffset(2026, 7, 6, 5, 0, 0, TimeSpan.Zero)), new AccessHistory(), settings).Reason);
        Assert.Equal(AccessReason.DeniedSchedule,
            AccessPolicy.Decide(Face(Sam, new DateTimeOffset(2026, 7, 6, 4, 59, 0, TimeSpan.Zero)), new AccessHistory(), settings).Reason);
        // Monday 23 November 2026 (winter), 06:00Z is 07:00 local (open); 05:59Z is 06:59 (closed).
        Assert.Equal(AccessReason.GrantedFace,
            AccessPolicy.Decide(Face(Sam, new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero)), new AccessHistory(), settings).Reason);
        Assert.Equal(AccessReason.DeniedSchedule,
            AccessPolicy.Decide(Face(Sam, new DateTimeOffset(2026, 11, 23, 5, 59, 0, TimeSpan.Zero)), new AccessHistory(), settings).Reason);
    }
}
