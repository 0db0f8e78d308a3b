namespace EdgeGate.Vision.Faces.Calibration;

/// <summary>How a calibrated threshold was estimated from the impostor scores.</summary>
public enum ThresholdMethod
{
    /// <summary>
    /// Enough impostor pairs to see the target rate directly (at least 3 / target, the rule of three):
    /// the threshold lets through at most target × pairs of them.
    /// </summary>
    EmpiricalQuantile,

    /// <summary>
    /// Too few pairs to see the target rate: a generalised Pareto tail fitted to the highest scores
    /// (peaks over a threshold) is extrapolated to it, and the threshold is never below the highest
    /// impostor score seen.
    /// </summary>
    FittedTail,
}

/// <summary>
/// A match threshold chosen for a target false-accept rate (FAR per comparison of a face with one
/// enrolled template), with the figures behind it.
/// </summary>
/// <param name="TargetFalseAcceptRate">The FAR asked for.</param>
/// <param name="Threshold">The threshold to configure: <paramref name="Estimate"/> plus <paramref name="SafetyMargin"/>, at most 1.</param>
/// <param name="Method">How <paramref name="Estimate"/> was obtained.</param>
/// <param name="ImpostorPairs">Impostor scores used.</param>
/// <param name="SmallestObservableRate">The lowest FAR these pairs can show directly: 3 / pairs (rule of three, 95 %).</param>
/// <param name="Estimate">The score at which the impostor FAR reaches the target.</param>
/// <param name="SafetyMargin">
/// Added to the estimate: 1.645 standard errors of the estimate (a one-sided 95 % bound), the
/// standard error measured by resampling the impostor scores (bootstrap).
/// </param>
/// <param name="ObservedFalseAcceptRate">The fraction of the impostor pairs at or above <paramref name="Threshold"/>.</param>
/// <param name="HighestImpostorScore">The highest impostor score.</param>
/// <param name="TailShape">The fitted tail's shape ξ (null for the empirical method): above 0 a heavy tail, below 0 a bounded one.</param>
public sealed record ThresholdCalibrationResult(
    double TargetFalseAcceptRate,
    double Threshold,
    ThresholdMethod Method,
    int ImpostorPairs,
    double SmallestObservableRate,
    double Estimate,
    double SafetyMargin,
    double ObservedFalseAcceptRate,
    double HighestImpostorScore,
    double? TailShape);

/// <summary>Raised when the scores cannot support a calibration (too few pairs, a target out of range).</summary>
public sealed class CalibrationException(string message) : Exception(message);

/// <summary>
/// Picks a match threshold for a target false-accept rate from impostor scores (pure; the scores
/// come from a site's enrolled gallery and the reference faces shipped with the product).
/// </summary>
public static class ThresholdCalibration
{
    /// <summary>The highest target FAR accepted: above it a gate is no access control.</summary>
    public const double MaximumTarget = 0.1;

    /// <summary>Fewer impostor pairs than this say nothing about a tail.</summary>
    public const int MinimumImpostorPairs = 100;

    /// <summary>The fitted tail starts at the highest 10 % of the scores (at least <see cref="MinimumTailScores"/> of them).</summary>
    public const double TailFraction = 0.1;

    public const int MinimumTailScores = 30;

    /// <summary>Bootstrap resamples for the standard error behind <see cref="ThresholdCalibrationResult.SafetyMargin"/>.</summary>
    public const int BootstrapResamples = 200;

    /// <summary>One-sided 95 % normal quantile.</summary>
    private const double SafetyStandardErrors = 1.645;

    /// <summary>Whether <paramref name="target"/> is a usable FAR: in (0, <see cref="MaximumTarget"/>].</summary>
    public static bool IsValidTarget(double target) => target is > 0 and <= MaximumTarget && double.IsFinite(target);

    /// <summary>Calibrates a threshold for <paramref name="targetFalseAcceptRate"/>.</summary>
    /// <param name="impostorScores">Similarities of pairs of different persons.</param>
    /// <param name="targetFalseAcceptRate">In (0, 0.1].</param>
    /// <param name="seed">Seed of the bootstrap (fixed: the same scores give the same threshold).</param>
    /// <exception cref="CalibrationException">The target is out of range, or there are too few or non-finite scores.</exception>
    public static ThresholdCalibrationResult Calibrate(IReadOnlyCollection<float> impostorScores, double targetFalseAcceptRate, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(impostorScores);
        if (!IsValidTarget(targetFalseAcceptRate))
        {
            throw new CalibrationException($"the target false-accept rate must be above 0 and at most {MaximumTarget} (got {targetFalseAcceptRate})");
        }
        if (impostorScores.Count < MinimumImpostorPairs)
        {
            throw new CalibrationException(
                $"{impostorScores.Count} impostor pairs are too few to calibrate (at least {MinimumImpostorPairs}): enrol more persons or photos");
        }
        var descending = impostorScores.Select(score => (double)score).ToArray();
        if (!descending.All(double.IsFinite))
        {
            throw new CalibrationException("impostor scores must be finite numbers");
        }
        SortDescending(descending);

        var count = descending.Length;
        var smallestObservable = 3.0 / count;
        var method = targetFalseAcceptRate >= smallestObservable ? ThresholdMethod.EmpiricalQuantile : ThresholdMethod.FittedTail;
        var (estimate, shape) = Estimate(descending, count, targetFalseAcceptRate, method);

        // The estimate's standard error, by resampling the pairs with replacement. Only the highest
        // scores decide the estimate, so of each resample only the draws among the highest
        // (twice as many as the estimate reads) are kept and sorted.
        var needed = Math.Max(TailLength(count), (int)Math.Floor(targetFalseAcceptRate * count)) + 1;
        var region = Math.Min(count, (2 * needed) + 50);
        var random = new Random(seed);
        var drawn = new List<double>(2 * region);
        var estimates = new double[BootstrapResamples];
        for (var round = 0; round < BootstrapResamples; round++)
        {
            drawn.Clear();
            for (var draw = 0; draw < count; draw++)
            {
                var index = random.Next(count);
                if (index < region)
                {
                    drawn.Add(descending[index]);
                }
            }
            var top = drawn.ToArray();
            SortDescending(top);
            estimates[round] = top.Length >= needed ? Estimate(top, count, targetFalseAcceptRate, method).Threshold : estimate;
        }
        var mean = estimates.Average();
        var standardError = Math.Sqrt(estimates.Sum(value => (value - mean) * (value - mean)) / (estimates.Length - 1));
        var margin = SafetyStandardErrors * standardError;
        var threshold = Math.Min(1.0, estimate + margin);
        var accepted = descending.Count(score => score >= threshold);
        return new ThresholdCalibrationResult(
            targetFalseAcceptRate,
            threshold,
            method,
            count,
            smallestObservable,
            estimate,
            margin,
            (double)accepted / count,
            descending[0],
            shape);
    }

    /// <summary>How many of the highest of <paramref name="count"/> scores the fitted tail uses.</summary>
    private static int TailLength(int count) => Math.Min(count - 1, Math.Max(MinimumTailScores, (int)(count * TailFraction)));

    /// <summary>Sorts highest first (negating keeps the fast default comparison).</summary>
    private static void SortDescending(double[] values)
    {
        for (var index = 0; index < values.Length; index++)
        {
            values[index] = -values[index];
        }
        Array.Sort(values);
        for (var index = 0; index < values.Length; index++)
        {
            values[index] = -values[index];
        }
    }

    /// <summary>The fraction of <paramref name="scores"/> at or above <paramref name="threshold"/> (NaN when empty).</summary>
    public static double AcceptedFraction(IReadOnlyCollection<float> scores, double threshold)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return scores.Count == 0 ? double.NaN : (double)scores.Count(score => score >= threshold) / scores.Count;
    }

    /// <summary>
    /// The estimate from the highest scores of <paramref name="count"/> pairs, sorted highest first
    /// (at least the first <see cref="TailLength"/> + 1 and target · count + 1 of them).
    /// </summary>
    private static (double Threshold, double? Shape) Estimate(double[] descending, int count, double target, ThresholdMethod method)
    {
        if (method == ThresholdMethod.EmpiricalQuantile)
        {
            // At most floor(target · n) impostors may reach the threshold: put it just above the next one.
            var allowed = (int)Math.Floor(target * count);
            return (Math.BitIncrement(descending[allowed]), null);
        }
        var (quantile, shape) = TailQuantile(descending, count, target);
        // The target lies below 1 / n: the threshold must shut out every impostor seen.
        return (Math.Max(quantile, Math.BitIncrement(descending[0])), shape);
    }

    /// <summary>
    /// Peaks over a threshold: the exceedances of the highest scores over the score u just below them
    /// are fitted with a generalised Pareto distribution by probability-weighted moments (Hosking and
    /// Wallis, 1987), and the score whose exceedance probability is the target is read from it:
    /// u + σ/ξ · ((m / (n · target))^ξ − 1), or u + σ · ln(m / (n · target)) when ξ is 0.
    /// </summary>
    internal static (double Quantile, double Shape) TailQuantile(double[] descending, int count, double target)
    {
        var tail = TailLength(count);
        var threshold = descending[tail];
        // Exceedances in ascending order for the moments.
        var exceedances = new double[tail];
        for (var index = 0; index < tail; index++)
        {
            exceedances[index] = descending[tail - 1 - index] - threshold;
        }
        double b0 = 0, b1 = 0;
        for (var index = 0; index < tail; index++)
        {
            b0 += exceedances[index];
            b1 += exceedances[index] * index / (tail - 1.0);
        }
        b0 /= tail;
        b1 /= tail;
        var a1 = b0 - b1;
        var denominator = b0 - (2 * a1);
        if (!(b0 > 0) || Math.Abs(denominator) < 1e-12)
        {
            // All the tail scores are equal: nothing above them.
            return (threshold, 0);
        }
        var shape = 2 - (b0 / denominator);
        var scale = 2 * b0 * a1 / denominator;
        var ratio = tail / (count * target);
        var quantile = Math.Abs(shape) < 1e-6
            ? threshold + (scale * Math.Log(ratio))
            : threshold + (scale / shape * (Math.Pow(ratio, shape) - 1));
        return (quantile, shape);
    }
}
