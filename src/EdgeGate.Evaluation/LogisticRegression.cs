using EdgeGate.Imaging;

namespace EdgeGate.Evaluation;

/// <summary>
/// L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least
/// squares): small, exact and deterministic for the handful of presentation figures. Features are
/// expected standardised; the bias is not regularised. The two classes count equally whatever
/// their sizes (each sample weighs n / (2 · its class's size)).
/// </summary>
public static class LogisticRegression
{
    /// <summary>Weights [bias, w1 … wn] of P(positive | x) = σ(bias + Σ wᵢ xᵢ).</summary>
    /// <exception cref="ArgumentException">No samples, ragged rows, or only one class.</exception>
    public static double[] Fit(IReadOnlyList<double[]> features, IReadOnlyList<bool> positive, double l2 = 1.0, int iterations = 50)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(positive);
        if (features.Count == 0 || features.Count != positive.Count)
        {
            throw new ArgumentException($"{features.Count} samples and {positive.Count} labels");
        }
        if (positive.All(value => value) || !positive.Any(value => value))
        {
            throw new ArgumentException("both classes are needed to fit");
        }
        var dimension = features[0].Length + 1;
        if (features.Any(row => row.Length != dimension - 1))
        {
            throw new ArgumentException("every sample needs the same number of features");
        }
        var positives = positive.Count(value => value);
        var positiveWeight = features.Count / (2.0 * positives);
        var negativeWeight = features.Count / (2.0 * (features.Count - positives));
        var weights = new double[dimension];
        var gradient = new double[dimension];
        var hessian = new double[dimension * dimension];
        var row = new double[dimension];
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            Array.Clear(gradient);
            Array.Clear(hessian);
            for (var i = 0; i < features.Count; i++)
            {
                row[0] = 1;
                features[i].CopyTo(row, 1);
                var probability = Probability(weights, row);
                var sampleWeight = positive[i] ? positiveWeight : negativeWeight;
                var error = (probability - (positive[i] ? 1 : 0)) * sampleWeight;
                var curvature = Math.Max(probability * (1 - probability), 1e-9) * sampleWeight;
                for (var r = 0; r < dimension; r++)
                {
                    gradient[r] += error * row[r];
                    for (var c = 0; c < dimension; c++)
                    {
                        hessian[(r * dimension) + c] += curvature * row[r] * row[c];
                    }
                }
            }
            for (var r = 1; r < dimension; r++)
            {
                gradient[r] += l2 * weights[r];
                hessian[(r * dimension) + r] += l2;
            }
            var step = new double[dimension];
            if (!LinearSystem.TrySolve(hessian, gradient, dimension, step))
            {
                throw new InvalidOperationException("the fitting problem is singular");
            }
            double change = 0;
            for (var r = 0; r < dimension; r++)
            {
                weights[r] -= step[r];
                change = Math.Max(change, Math.Abs(step[r]));
            }
            if (change < 1e-9)
            {
                break;
            }
        }
        return weights;
    }

    /// <summary>σ(w · row) with row[0] = 1 for the bias.</summary>
    public static double Probability(ReadOnlySpan<double> weights, ReadOnlySpan<double> row)
    {
        double z = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            z += weights[i] * row[i];
        }
        return 1.0 / (1.0 + Math.Exp(-z));
    }
}
