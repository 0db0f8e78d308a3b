namespace EdgeGate.Evaluation;

/// <summary>Summary of one set of similarity scores.</summary>
public sealed record ScoreSummary(int Count, double Mean, double StandardDeviation, double Minimum, double Maximum)
{
    public static ScoreSummary Of(IReadOnlyCollection<float> scores)
    {
        if (scores.Count == 0)
        {
            return new ScoreSummary(0, double.NaN, double.NaN, double.NaN, double.NaN);
        }
        double sum = 0, minimum = double.PositiveInfinity, maximum = double.NegativeInfinity;
        foreach (var score in scores)
        {
            sum += score;
            minimum = Math.Min(minimum, score);
            maximum = Math.Max(maximum, score);
        }
        var mean = sum / scores.Count;
        double squares = 0;
        foreach (var score in scores)
        {
            squares += (score - mean) * (score - mean);
        }
        return new ScoreSummary(scores.Count, mean, Math.Sqrt(squares / scores.Count), minimum, maximum);
    }
}

/// <summary>True-accept rate at a target false-accept rate, and the threshold that gives it (accept when score ≥ threshold).</summary>
public sealed record OperatingPoint(double TargetFalseAcceptRate, double Threshold, double TrueAcceptRate, double FalseAcceptRate);

/// <summary>
/// Verification accuracy from same-person and different-person pair scores. A pair is accepted
/// when its score is at or above the threshold; thresholds are taken from the scores themselves.
/// </summary>
public sealed record VerificationStatistics(
    ScoreSummary Same,
    ScoreSummary Different,
    double AreaUnderCurve,
    double EqualErrorRate,
    double EqualErrorThreshold,
    OperatingPoint AtFalseAcceptRate1E2,
    OperatingPoint AtFalseAcceptRate1E3,
    double BestAccuracy,
    double BestAccuracyThreshold)
{
    /// <exception cref="ArgumentException">Either list is empty or holds a non-finite score.</exception>
    public static VerificationStatistics Compute(IReadOnlyCollection<float> sameScores, IReadOnlyCollection<float> differentScores)
    {
        ArgumentNullException.ThrowIfNull(sameScores);
        ArgumentNullException.ThrowIfNull(differentScores);
        if (sameScores.Count == 0 || differentScores.Count == 0)
        {
            throw new ArgumentException("verification statistics need at least one same-person and one different-person pair");
        }
        var same = sameScores.ToArray();
        var different = differentScores.ToArray();
        if (!same.Concat(different).All(float.IsFinite))
        {
            throw new ArgumentException("scores must be finite numbers");
        }
        Array.Sort(same);
        Array.Sort(different);

        var candidates = same.Concat(different).Distinct().Order().ToList();
        candidates.Add(MathF.BitIncrement(candidates[^1]));

        var equalErrorGap = double.PositiveInfinity;
        double equalErrorRate = 0, equalErrorThreshold = 0, bestAccuracy = -1, bestAccuracyThreshold = 0;
        foreach (var threshold in candidates)
        {
            var trueAcceptRate = AcceptedFraction(same, threshold);
            var falseAcceptRate = AcceptedFraction(different, threshold);
            var falseRejectRate = 1.0 - trueAcceptRate;
            var gap = Math.Abs(falseAcceptRate - falseRejectRate);
            if (gap < equalErrorGap)
            {
                equalErrorGap = gap;
                equalErrorRate = (falseAcceptRate + falseRejectRate) / 2.0;
                equalErrorThreshold = threshold;
            }
            var correct = (trueAcceptRate * same.Length) + ((1.0 - falseAcceptRate) * different.Length);
            var accuracy = correct / (same.Length + different.Length);
            if (accuracy > bestAccuracy)
            {
                bestAccuracy = accuracy;
                bestAccuracyThreshold = threshold;
            }
        }

        return new VerificationStatistics(
            ScoreSummary.Of(same),
            ScoreSummary.Of(different),
            ComputeAreaUnderCurve(same, different),
            equalErrorRate,
            equalErrorThreshold,
            AtFalseAcceptRate(same, different, candidates, 1e-2),
            AtFalseAcceptRate(same, different, candidates, 1e-3),
            bestAccuracy,
            bestAccuracyThreshold);
    }

    /// <summary>P(same score &gt; different score) + ½·P(equal): the area under the ROC curve.</summary>
    private static double ComputeAreaUnderCurve(float[] sortedSame, float[] sortedDifferent)
    {
        double wins = 0;
        foreach (var score in sortedSame)
        {
            var below = LowerBound(sortedDifferent, score);
            var equal = UpperBound(sortedDifferent, score) - below;
            wins += below + (0.5 * equal);
        }
        return wins / ((double)sortedSame.Length * sortedDifferent.Length);
    }

    /// <summary>The lowest threshold whose false-accept rate is at most <paramref name="target"/>.</summary>
    private static OperatingPoint AtFalseAcceptRate(float[] sortedSame, float[] sortedDifferent, List<float> ascendingCandidates, double target)
    {
        foreach (var threshold in ascendingCandidates)
        {
            var falseAcceptRate = AcceptedFraction(sortedDifferent, threshold);
            if (falseAcceptRate <= target)
            {
                return new OperatingPoint(target, threshold, AcceptedFraction(sortedSame, threshold), falseAcceptRate);
            }
        }
        // The last candidate lies above every score, so the loop always returns.
        throw new InvalidOperationException("no threshold reaches the target false-accept rate");
    }

    private static double AcceptedFraction(float[] sorted, float threshold) =>
        (double)(sorted.Length - LowerBound(sorted, threshold)) / sorted.Length;

    /// <summary>Index of the first element ≥ <paramref name="value"/>.</summary>
    private static int LowerBound(float[] sorted, float value)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (sorted[middle] < value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }

    /// <summary>Index of the first element &gt; <paramref name="value"/>.</summary>
    private static int UpperBound(float[] sorted, float value)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (sorted[middle] <= value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }
}
