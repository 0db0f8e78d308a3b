namespace EdgeGate.Imaging;

/// <summary>Small dense linear systems (the homography fit, the presentation check's fitting).</summary>
public static class LinearSystem
{
    /// <summary>
    /// Solves A·x = b for an n×n <paramref name="matrix"/> (row by row) by Gaussian elimination
    /// with partial pivoting. <paramref name="matrix"/> and <paramref name="vector"/> are
    /// overwritten. False when A is singular.
    /// </summary>
    public static bool TrySolve(Span<double> matrix, Span<double> vector, int n, Span<double> solution)
    {
        if (matrix.Length < n * n || vector.Length < n || solution.Length < n)
        {
            throw new ArgumentException($"a {n}x{n} system needs {n * n} matrix and {n} vector entries");
        }
        for (var column = 0; column < n; column++)
        {
            var pivot = column;
            for (var r = column + 1; r < n; r++)
            {
                if (Math.Abs(matrix[(r * n) + column]) > Math.Abs(matrix[(pivot * n) + column]))
                {
                    pivot = r;
                }
            }
            var diagonal = matrix[(pivot * n) + column];
            if (Math.Abs(diagonal) < 1e-12)
            {
                return false;
            }
            if (pivot != column)
            {
                for (var c = 0; c < n; c++)
                {
                    (matrix[(pivot * n) + c], matrix[(column * n) + c]) = (matrix[(column * n) + c], matrix[(pivot * n) + c]);
                }
                (vector[pivot], vector[column]) = (vector[column], vector[pivot]);
            }
            for (var r = column + 1; r < n; r++)
            {
                var factor = matrix[(r * n) + column] / diagonal;
                if (factor == 0)
                {
                    continue;
                }
                for (var c = column; c < n; c++)
                {
                    matrix[(r * n) + c] -= factor * matrix[(column * n) + c];
                }
                vector[r] -= factor * vector[column];
            }
        }
        for (var r = n - 1; r >= 0; r--)
        {
            var sum = vector[r];
            for (var c = r + 1; c < n; c++)
            {
                sum -= matrix[(r * n) + c] * solution[c];
            }
            solution[r] = sum / matrix[(r * n) + r];
        }
        return true;
    }
}
