namespace EdgeGate.Core.Tests;

public sealed class RetryDelayTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(-3, 0)]
    [InlineData(1, 500)]
    [InlineData(2, 1000)]
    [InlineData(3, 2000)]
    [InlineData(4, 4000)]
    [InlineData(5, 5000)]
    [InlineData(int.MaxValue, 5000)]
    public void Doubles_from_the_first_wait_up_to_the_maximum(int attempt, int expectedMilliseconds)
    {
        var delay = RetryDelay.Doubling(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5), attempt);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), delay);
    }

    [Fact]
    public void A_first_wait_longer_than_the_maximum_is_capped()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), RetryDelay.Doubling(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), 1));
    }

    [Fact]
    public void Long_failure_runs_do_not_overflow()
    {
        Assert.Equal(TimeSpan.MaxValue, RetryDelay.Doubling(TimeSpan.FromDays(1), TimeSpan.MaxValue, 200));
        Assert.Equal(TimeSpan.FromMinutes(5), RetryDelay.Doubling(TimeSpan.FromTicks(1), TimeSpan.FromMinutes(5), 64));
    }

    [Fact]
    public void Negative_waits_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RetryDelay.Doubling(TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(5), 1));
    }
}
