using EdgeGate.Uplink;

namespace EdgeGate.Gateway.Tests.Uplink;

public sealed class UplinkWindowTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(10);

    private static UplinkWindow Window(long acked = 0, int window = 5, int batchSize = 3) =>
        new(acked, window, batchSize, AckTimeout, Start);

    [Fact]
    public void Reads_start_after_the_ack_in_batches_up_to_the_window()
    {
        var window = Window(acked: 40);

        Assert.Equal((40L, 3), window.NextEvents());
        window.EventsPublished([41, 42, 43]);
        Assert.Equal(43, window.Cursor);
        Assert.Equal((43L, 2), window.NextEvents());
        window.EventsPublished([44, 45]);
        Assert.Equal((45L, 0), window.NextEvents());
        Assert.True(window.IsWaitingForAck);
    }

    [Fact]
    public void An_ack_frees_the_window_up_to_it_and_restarts_the_timeout()
    {
        var window = Window();
        window.EventsPublished([1, 2, 3]);
        window.EventsPublished([4, 5]);

        window.Acknowledge(3, Start + TimeSpan.FromSeconds(8));

        Assert.Equal(3, window.Acked);
        Assert.Equal((5L, 3), window.NextEvents());
        Assert.False(window.IsAckOverdue(Start + TimeSpan.FromSeconds(17)));
        Assert.True(window.IsAckOverdue(Start + TimeSpan.FromSeconds(18)));
    }

    [Fact]
    public void An_ack_that_does_not_move_forward_changes_nothing()
    {
        var window = Window(acked: 10);
        window.EventsPublished([11, 12]);

        window.Acknowledge(10, Start + TimeSpan.FromSeconds(9));
        window.Acknowledge(4, Start + TimeSpan.FromSeconds(9));

        Assert.Equal(10, window.Acked);
        Assert.Equal((12L, 3), window.NextEvents());
        Assert.True(window.IsAckOverdue(Start + AckTimeout));
    }

    [Fact]
    public void An_ack_beyond_what_was_sent_moves_the_cursors_to_it()
    {
        var window = Window();
        window.EventsPublished([1, 2]);

        window.Acknowledge(7, Start);

        Assert.False(window.IsWaitingForAck);
        Assert.Equal(7, window.Cursor);
        Assert.Equal((7L, 3), window.NextEvents());
        Assert.Equal((7L, 3), window.NextAlerts());
    }

    [Fact]
    public void The_ack_timeout_runs_only_while_something_waits_for_an_ack()
    {
        var window = Window();
        Assert.False(window.IsAckOverdue(Start + TimeSpan.FromHours(1)));

        // Idle for an hour, then one event: it is not overdue at once.
        window.RestartTimeoutIfIdle(Start + TimeSpan.FromHours(1));
        window.EventsPublished([1]);
        window.RestartTimeoutIfIdle(Start + TimeSpan.FromHours(1) + TimeSpan.FromSeconds(5));

        Assert.False(window.IsAckOverdue(Start + TimeSpan.FromHours(1) + TimeSpan.FromSeconds(9)));
        Assert.True(window.IsAckOverdue(Start + TimeSpan.FromHours(1) + AckTimeout));
    }

    [Fact]
    public void A_rewind_sends_everything_beyond_the_ack_again()
    {
        var window = Window(acked: 20);
        window.AlertsPublished([23]);
        window.EventsPublished([21, 22, 23]);
        window.Acknowledge(21, Start);

        window.Rewind(Start + TimeSpan.FromSeconds(30));

        Assert.False(window.IsWaitingForAck);
        Assert.Equal((21L, 3), window.NextEvents());
        Assert.Equal((21L, 3), window.NextAlerts());
        Assert.Equal(21, window.Cursor);
        Assert.Equal(21, window.AlertCursor);
    }

    [Fact]
    public void Alerts_go_ahead_of_the_event_lane_with_their_own_window()
    {
        var window = Window(window: 2, batchSize: 5);
        window.EventsPublished([1, 2]);
        Assert.Equal((2L, 0), window.NextEvents());

        // The event lane is full; alerts beyond it still go, up to their own window.
        Assert.Equal((2L, 2), window.NextAlerts());
        window.AlertsPublished([9, 14]);
        Assert.Equal(14, window.AlertCursor);
        Assert.Equal((14L, 0), window.NextAlerts());

        window.Acknowledge(9, Start);
        Assert.Equal((14L, 1), window.NextAlerts());
        Assert.Equal((9L, 2), window.NextEvents());
    }

    [Fact]
    public void Alerts_the_event_lane_already_carried_are_not_sent_ahead_again()
    {
        var window = Window(window: 10, batchSize: 10);
        window.EventsPublished([1, 2, 3, 4, 5, 6]);

        Assert.Equal((6L, 10), window.NextAlerts());
        Assert.Equal(6, window.AlertCursor);
    }

    [Fact]
    public void A_window_or_batch_of_zero_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Window(window: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Window(batchSize: 0));
    }
}
