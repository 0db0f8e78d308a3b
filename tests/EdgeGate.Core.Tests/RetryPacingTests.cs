namespace EdgeGate.Core.Tests;

public sealed class RetryPacingTests
{
    private static readonly RetryPacing Broker = RetryPacing.Broker;

    [Theory]
    [InlineData(1, 0, 250)]
    [InlineData(2, 1, 500)]
    [InlineData(3, 2, 1000)]
    [InlineData(4, 4, 1500)]
    [InlineData(40, 59, 1500)]
    public void Young_outages_are_retried_quickly_and_never_more_than_one_and_a_half_seconds_apart(int attempt, int outageSeconds, int fullMilliseconds)
    {
        // random 0 gives the full wait, random just under 1 half of it.
        Assert.Equal(TimeSpan.FromMilliseconds(fullMilliseconds), Broker.Delay(attempt, TimeSpan.FromSeconds(outageSeconds), 0));
        Assert.InRange(Broker.Delay(attempt, TimeSpan.FromSeconds(outageSeconds), 0.999999).TotalMilliseconds, fullMilliseconds / 2.0, fullMilliseconds / 2.0 + 0.01);
    }

    [Theory]
    [InlineData(60, 1500)]
    [InlineData(70, 10_000)]
    [InlineData(85, 25_000)]
    [InlineData(90, 30_000)]
    [InlineData(3600, 30_000)]
    public void Long_outages_wait_at_most_as_long_as_they_lasted_beyond_the_first_minute_up_to_the_cap(int outageSeconds, int fullMilliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(fullMilliseconds), Broker.Delay(100, TimeSpan.FromSeconds(outageSeconds), 0));
    }

    [Fact]
    public void Jitter_spreads_a_fleet_between_half_and_all_of_the_wait()
    {
        var random = new Random(7);
        var waits = Enumerable.Range(0, 1000).Select(_ => Broker.Delay(10, TimeSpan.FromSeconds(20), random.NextDouble()).TotalMilliseconds).ToList();

        Assert.All(waits, wait => Assert.InRange(wait, 750, 1500));
        // Spread over the whole range, not bunched: every tenth of it is used.
        Assert.Equal(10, waits.Select(wait => (int)Math.Min(9, (wait - 750) / 75)).Distinct().Count());
    }

    [Fact]
    public void A_maximum_below_the_early_maximum_caps_the_early_waits_too()
    {
        var pacing = RetryPacing.Broker with { Maximum = TimeSpan.FromSeconds(1) };

        Assert.Equal(TimeSpan.FromSeconds(1), pacing.Delay(10, TimeSpan.FromSeconds(5), 0));
        Assert.Equal(TimeSpan.FromSeconds(1), pacing.Delay(10, TimeSpan.FromHours(1), 0));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(5, 16)]
    [InlineData(6, 30)]
    [InlineData(1000, 30)]
    public void Doubling_pacing_has_no_early_phase(int attempt, int fullSeconds)
    {
        var pacing = RetryPacing.Doubling(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

        // The outage's age makes no difference, and the longest wait is the wait at random 0.
        Assert.Equal(TimeSpan.FromSeconds(fullSeconds), pacing.Longest(attempt, TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromSeconds(fullSeconds), pacing.Longest(attempt, TimeSpan.FromHours(1)));
        Assert.Equal(pacing.Longest(attempt, TimeSpan.FromSeconds(5)), pacing.Delay(attempt, TimeSpan.FromSeconds(5), 0));
        Assert.InRange(pacing.Delay(attempt, TimeSpan.FromSeconds(5), 0.999999).TotalSeconds, fullSeconds / 2.0, fullSeconds / 2.0 + 0.0001);
    }

    [Fact]
    public void Random_samples_outside_zero_to_one_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Broker.Delay(1, TimeSpan.Zero, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Broker.Delay(1, TimeSpan.Zero, -0.1));
    }

    [Theory]
    [InlineData("First")]
    [InlineData("EarlyMaximum")]
    [InlineData("EarlyPhase")]
    [InlineData("Maximum")]
    public void Invalid_parts_are_named(string part)
    {
        var pacing = part switch
        {
            "First" => Broker with { First = TimeSpan.Zero },
            "EarlyMaximum" => Broker with { EarlyMaximum = TimeSpan.FromSeconds(0.1) },
            "EarlyPhase" => Broker with { EarlyPhase = TimeSpan.FromSeconds(-1) },
            _ => Broker with { Maximum = TimeSpan.FromSeconds(0.1) },
        };

        Assert.Equal(part, Assert.Throws<ArgumentException>(pacing.Validate).ParamName);
    }
}
