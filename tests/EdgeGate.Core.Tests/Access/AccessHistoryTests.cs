using EdgeGate.Core.Access;
using static EdgeGate.Core.Tests.Access.PolicyWorld;

namespace EdgeGate.Core.Tests.Access;

public sealed class AccessHistoryTests
{
    private static AccessDecision Decision(string personId, string doorId, DateTimeOffset at,
        AccessOutcome outcome = AccessOutcome.Granted, AccessReason reason = AccessReason.GrantedFace,
        PassageDirection? direction = PassageDirection.Entry, string? group = "main") => new()
    {
        Outcome = outcome,
        Reason = reason,
        Message = "test",
        Credential = new FaceCredential(personId, 0.6, 0.9, true, "cam-1"),
        PersonId = personId,
        DoorId = doorId,
        At = at,
        Direction = direction,
        AntiPassbackGroup = group,
    };

    [Fact]
    public void Records_last_decision_and_passage()
    {
        var history = new AccessHistory();
        Assert.True(history.Record(Decision("p1", "main-in", Monday10)));

        Assert.Equal(new RecentDecision(AccessReason.GrantedFace, true, Monday10), history.LastDecision("p1", "main-in"));
        Assert.Equal(new RecentPassage(PassageDirection.Entry, "main-in", Monday10), history.LastPassage("p1", "main"));
        Assert.Null(history.LastDecision("p1", "main-out"));
        Assert.Null(history.LastPassage("p2", "main"));
    }

    [Fact]
    public void The_passage_to_keep_is_that_of_a_grant_with_a_direction_and_a_group_and_it_restores_into_a_new_history()
    {
        var grant = Decision("p1", "main-in", Monday10);
        var passage = AccessHistory.PassageOf(grant);
        Assert.Equal(new PersonPassage("p1", "main", new RecentPassage(PassageDirection.Entry, "main-in", Monday10)), passage);
        Assert.Null(AccessHistory.PassageOf(grant with { Outcome = AccessOutcome.Denied, Reason = AccessReason.DeniedPassback }));
        Assert.Null(AccessHistory.PassageOf(grant with { Direction = null }));
        Assert.Null(AccessHistory.PassageOf(grant with { AntiPassbackGroup = null }));
        Assert.Null(AccessHistory.PassageOf(grant with { PersonId = null }));

        // After a restart: the stored passage comes back, a newer one recorded since is not replaced.
        var restarted = new AccessHistory();
        restarted.Record(Decision("p2", "main-out", Monday10.AddMinutes(5), direction: PassageDirection.Exit));
        restarted.Restore(passage!);
        restarted.Restore(new PersonPassage("p2", "main", new RecentPassage(PassageDirection.Entry, "main-in", Monday10)));

        Assert.Equal(passage!.Passage, restarted.LastPassage("p1", "main"));
        Assert.Equal(new RecentPassage(PassageDirection.Exit, "main-out", Monday10.AddMinutes(5)), restarted.LastPassage("p2", "main"));
        Assert.Null(restarted.LastDecision("p1", "main-in"));
    }

    [Fact]
    public void Denials_update_the_decision_but_not_the_passage()
    {
        var history = new AccessHistory();
        history.Record(Decision("p1", "main-in", Monday10));
        history.Record(Decision("p1", "main-in", Monday10.AddMinutes(1), AccessOutcome.Denied, AccessReason.DeniedPassback));

        Assert.Equal(new RecentDecision(AccessReason.DeniedPassback, false, Monday10.AddMinutes(1)), history.LastDecision("p1", "main-in"));
        Assert.Equal(Monday10, history.LastPassage("p1", "main")!.Value.At);
    }

    [Fact]
    public void Suppressed_and_personless_decisions_are_not_recorded()
    {
        var history = new AccessHistory();
        Assert.False(history.Record(Decision("p1", "main-in", Monday10, AccessOutcome.Suppressed, AccessReason.SuppressedCooldown)));
        Assert.False(history.Record(Decision("p1", "main-in", Monday10) with { PersonId = null }));
        Assert.Equal(0, history.DecisionCount);
        Assert.Equal(0, history.PassageCount);
    }

    [Fact]
    public void An_older_decision_does_not_replace_a_newer_one()
    {
        var history = new AccessHistory();
        history.Record(Decision("p1", "main-in", Monday10));
        Assert.False(history.Record(Decision("p1", "main-in", Monday10.AddSeconds(-30), AccessOutcome.Denied, AccessReason.DeniedSchedule)));
        Assert.Equal(AccessReason.GrantedFace, history.LastDecision("p1", "main-in")!.Value.Reason);
    }

    [Fact]
    public void Passages_without_direction_or_group_are_not_tracked()
    {
        var history = new AccessHistory();
        history.Record(Decision("p1", "lobby", Monday10, direction: null, group: "lobby"));
        history.Record(Decision("p1", "service", Monday10, group: null));
        Assert.Equal(2, history.DecisionCount);
        Assert.Equal(0, history.PassageCount);
    }

    [Fact]
    public void Capacity_drops_the_least_recently_written()
    {
        var history = new AccessHistory(capacity: 3);
        for (var index = 0; index < 5; index++)
        {
            history.Record(Decision($"p{index}", "main-in", Monday10.AddSeconds(index)));
        }

        Assert.Equal(3, history.DecisionCount);
        Assert.Equal(3, history.PassageCount);
        Assert.Null(history.LastDecision("p0", "main-in"));
        Assert.Null(history.LastDecision("p1", "main-in"));
        Assert.NotNull(history.LastDecision("p4", "main-in"));

        // Writing p2 again makes p3 the oldest.
        history.Record(Decision("p2", "main-in", Monday10.AddSeconds(10)));
        history.Record(Decision("p5", "main-in", Monday10.AddSeconds(11)));
        Assert.NotNull(history.LastDecision("p2", "main-in"));
        Assert.Null(history.LastDecision("p3", "main-in"));
    }

    [Fact]
    public void Forget_clears_one_person()
    {
        var history = new AccessHistory();
        history.Record(Decision("p1", "main-in", Monday10));
        history.Record(Decision("p1", "garage-in", Monday10, group: "garage"));
        history.Record(Decision("p2", "main-in", Monday10));

        history.Forget("p1");

        Assert.Null(history.LastDecision("p1", "main-in"));
        Assert.Null(history.LastPassage("p1", "garage"));
        Assert.NotNull(history.LastDecision("p2", "main-in"));
        Assert.Equal(1, history.PassageCount);
    }

    [Fact]
    public void Concurrent_records_stay_within_capacity()
    {
        var history = new AccessHistory(capacity: 100);
        Parallel.For(0, 2_000, index =>
            history.Record(Decision($"p{index % 300}", "main-in", Monday10.AddSeconds(index))));

        Assert.Equal(100, history.DecisionCount);
        Assert.Equal(100, history.PassageCount);
    }

    [Fact]
    public void Capacity_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AccessHistory(0));
    }
}
