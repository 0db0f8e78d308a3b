namespace EdgeGate.Evaluation.Benchmarks;

/// <summary>
/// The one percentile of the benchmarks and the <c>edgegate bench</c> commands: linear interpolation
/// between the two nearest ranks of values sorted in ascending order (the median of an even count is
/// the mean of the middle two).
/// </summary>
public static class Percentile
{
    /// <summary>The <paramref name="fraction"/> percentile (0 the smallest value, 1 the largest) of <paramref name="sortedValues"/>.</summary>
    /// <exception cref="ArgumentException">There are no values.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is outside [0, 1].</exception>
    public static double Of(IReadOnlyList<double> sortedValues, double fraction)
    {
        ArgumentNullException.ThrowIfNull(sortedValues);
        if (sortedValues.Count == 0)
        {
            throw new ArgumentException("no values", nameof(sortedValues));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(fraction, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1.0);
        var position = fraction * (sortedValues.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sortedValues.Count - 1);
        return sortedValues[lower] + ((sortedValues[upper] - sortedValues[lower]) * (position - lower));
    }
}
