using EdgeGate.Evaluation.Benchmarks;

namespace EdgeGate.Vision.Tests.Benchmarks;

public sealed class PercentileTests
{
    [Fact]
    public void Percentiles_interpolate_between_sorted_values()
    {
        double[] values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(5.5, Percentile.Of(values, 0.5), 10);
        Assert.Equal(9.1, Percentile.Of(values, 0.9), 10);
        Assert.Equal(1, Percentile.Of(values, 0));
        Assert.Equal(10, Percentile.Of(values, 1));
        Assert.Equal(7, Percentile.Of([7.0], 0.9));
        Assert.Throws<ArgumentException>(() => Percentile.Of([], 0.5));
    }

    [Fact]
    public void The_median_of_an_even_count_is_the_mean_of_the_middle_two()
    {
        Assert.Equal(2.5, Percentile.Of([1.0, 2.0, 3.0, 4.0], 0.5), 10);
        Assert.Equal(3.85, Percentile.Of([1.0, 2.0, 3.0, 4.0], 0.95), 10);
    }

    [Fact]
    public void A_fraction_outside_zero_to_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentile.Of([1.0, 2.0], -0.01));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentile.Of([1.0, 2.0], 1.01));
        Assert.Throws<ArgumentNullException>(() => Percentile.Of(null!, 0.5));
    }
}
