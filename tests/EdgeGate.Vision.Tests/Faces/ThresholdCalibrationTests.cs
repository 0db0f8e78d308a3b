using EdgeGate.Vision.Faces.Calibration;


namespace EdgeGate.Vision.Tests.Faces;

public sealed class ThresholdCalibrationTests
{
    [Fact]
    public void With_enough_pairs_the_threshold_is_the_empirical_quantile_plus_a_small_margin()
    {
        var scores = Normal(20_000, mean: 0.0, deviation: 0.1, seed: 3);

        var result = ThresholdCalibration.Calibrate(scores, 1e-3);

        Assert.Equal(ThresholdMethod.EmpiricalQuantile, result.Method);
        Assert.Equal(20_000, result.ImpostorPairs);
        Assert.Equal(3.0 / 20_000, result.SmallestObservableRate, 12);
        // The normal distribution's 1 - 1e-3 quantile is 3.09 deviations.
        Assert.InRange(result.Estimate, 0.29, 0.33);
        Assert.InRange(result.SafetyMargin, 0.001, 0.03);
        Assert.Equal(result.Estimate + result.SafetyMargin, result.Threshold, 12);
        Assert.True(result.ObservedFalseAcceptRate <= 1e-3, $"{result.ObservedFalseAcceptRate}");
        Assert.True(ThresholdCalibration.AcceptedFraction(scores, result.Estimate) <= 1e-3);
        Assert.Null(result.TailShape);
    }

    [Fact]
    public void Below_what_the_pairs_can_show_a_fitted_tail_extrapolates_and_every_impostor_seen_stays_out()
    {
        // An exponential tail (a generalised Pareto tail of shape 0): P(X > x) = exp(-x / 0.05).
        var random = new Random(11);
        var scores = Enumerable.Range(0, 5_000).Select(_ => (float)(-0.05 * Math.Log(1 - random.NextDouble()))).ToList();
        var truth = -0.05 * Math.Log(1e-5);

        var result = ThresholdCalibration.Calibrate(scores, 1e-5);

        Assert.Equal(ThresholdMethod.FittedTail, result.Method);
        Assert.InRange(result.TailShape!.Value, -0.15, 0.15);
        // Extrapolating two and a half decades beyond the data: the shape's sampling error alone moves
        // the estimate by about a quarter either way.
        Assert.InRange(result.Estimate, truth * 0.75, truth * 1.35);
        Assert.True(result.Threshold > result.HighestImpostorScore);
        Assert.Equal(0, result.ObservedFalseAcceptRate);
        Assert.True(result.SafetyMargin > 0);
    }

    [Fact]
    public void A_heavy_tail_gives_a_higher_threshold_than_a_light_one_with_the_same_bulk()
    {
        var light = Normal(5_000, mean: 0.0, deviation: 0.1, seed: 5);
        // The same scores with a few look-alike pairs far out, as two similar-looking persons give.
        var heavy = light.Take(4_990).Concat([0.45f, 0.47f, 0.48f, 0.49f, 0.50f, 0.42f, 0.43f, 0.44f, 0.41f, 0.46f]).ToList();

        var lightResult = ThresholdCalibration.Calibrate(light, 1e-4);
        var heavyResult = ThresholdCalibration.Calibrate(heavy, 1e-4);

        Assert.True(heavyResult.Threshold > lightResult.Threshold + 0.05, $"{heavyResult.Threshold:F3} vs {lightResult.Threshold:F3}");
        Assert.True(heavyResult.Threshold > 0.50f);
    }

    [Fact]
    public void The_same_scores_give_the_same_threshold()
    {
        var scores = Normal(3_000, mean: 0.02, deviation: 0.1, seed: 8);
        Assert.Equal(ThresholdCalibration.Calibrate(scores, 1e-4).Threshold, ThresholdCalibration.Calibrate(scores.AsEnumerable().Reverse().ToList(), 1e-4).Threshold);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-4)]
    [InlineData(0.2)]
    [InlineData(double.NaN)]
    public void A_target_outside_zero_to_a_tenth_is_refused(double target)
    {
        Assert.False(ThresholdCalibration.IsValidTarget(target));
        var exception = Assert.Throws<CalibrationException>(() => ThresholdCalibration.Calibrate(Normal(1_000, 0, 0.1, 1), target));
        Assert.Contains("target false-accept rate", exception.Message);
    }

    [Fact]
    public void Too_few_or_broken_scores_are_refused()
    {
        Assert.Contains("too few", Assert.Throws<CalibrationException>(() => ThresholdCalibration.Calibrate(Normal(99, 0, 0.1, 1), 1e-3)).Message);
        var broken = Normal(500, 0, 0.1, 1).Append(float.NaN).ToList();
        Assert.Contains("finite", Assert.Throws<CalibrationException>(() => ThresholdCalibration.Calibrate(broken, 1e-3)).Message);
        Assert.True(ThresholdCalibration.IsValidTarget(0.1));
    }

    [Fact]
    public void Calibration_scores_pair_the_site_and_the_reference_faces_but_not_reference_faces_of_different_photos()
    {
        LabelledEmbedding[] site = [Sample("ana", 1, 0), Sample("ana", 0.8f, 0.6f), Sample("ben", 0, 1)];
        LabelledEmbedding[] reference = [Sample("r1", -1, 0, "group1.jpg"), Sample("r2", 0, -1, "group1.jpg"), Sample("r3", 0.6f, 0.8f, "group2.jpg")];

        var scores = CalibrationScores.Build(site, reference);

        Assert.Equal([0.8f], scores.GenuinePairs.Select(score => MathF.Round(score, 3)));
        Assert.Equal([0f, 0.6f], scores.SiteImpostors.Select(score => MathF.Round(score, 3)).Order());
        // 3 reference faces x 3 templates, and the one pair inside group1.jpg (r3 is alone in its photo).
        Assert.Equal(10, scores.ReferenceImpostors.Count);
        Assert.Equal(12, scores.AllImpostors.Count);
    }

    [Fact]
    public void Operating_figures_count_pairs_and_1_to_N_decisions_with_the_margin()
    {
        // Ana's two photos 0.9 apart in cosine; Ben close to Ana's second photo (0.89); Cleo far from all.
        LabelledEmbedding[] samples =
        [
            Sample("ana", 1, 0),
            Sample("ana", 0.9f, MathF.Sqrt(1 - 0.81f)),
            Sample("ben", 0.6f, 0.8f),
            Sample("cleo", -1, 0),
        ];

        var figures = OperatingFigures.At(samples, threshold: 0.7, margin: 0.05);

        Assert.Equal((1, 1), (figures.SamePairs, figures.SamePairsAccepted));
        // Different pairs: ana1-ben 0.6, ana2-ben 0.89, the rest below 0: one reaches 0.7.
        Assert.Equal((5, 1), (figures.DifferentPairs, figures.DifferentPairsAccepted));
        // 1:N: both of Ana's photos find the other (ana2: Ana 0.9 vs Ben 0.89 is within the margin: refused).
        Assert.Equal((2, 1), (figures.GenuineProbes, figures.GenuineProbesGranted));
        // Strangers: ana2 without Ana matches Ben (0.89); Ben without Ben matches Ana (0.89, Cleo far behind).
        Assert.Equal((4, 2), (figures.StrangerProbes, figures.StrangerProbesAccepted));
        Assert.Equal(0.5, figures.IdentificationTrueAcceptRate);
    }

    private static LabelledEmbedding Sample(string label, float x, float y, string? source = null)
    {
        var embedding = new float[4];
        embedding[0] = x;
        embedding[1] = y;
        return new LabelledEmbedding(label, embedding, source ?? label);
    }

    private static List<float> Normal(int count, double mean, double deviation, int seed)
    {
        var random = new Random(seed);
        var scores = new List<float>(count);
        for (var index = 0; index < count; index++)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            scores.Add((float)(mean + (deviation * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2))));
        }
        return scores;
    }
}
