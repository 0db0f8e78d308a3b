using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeGate.Gallery;

/// <summary>
/// The vectorised inner loops of the gallery: normalisation, int8 quantisation, and scans that
/// compute one similarity per row and offer only rows that can change the top two persons.
/// Rows and queries are padded with zeros to a multiple of <see cref="StrideMultiple"/> values, so
/// the loops have no scalar tail.
/// </summary>
internal static class EmbeddingKernels
{
    /// <summary>Row stride multiple: 32 values = one 256-bit load of int8, four of float.</summary>
    public const int StrideMultiple = 32;

    public const float QuantisationLevels = 127f;

    public static int StrideFor(int dimension) => (dimension + StrideMultiple - 1) / StrideMultiple * StrideMultiple;

    /// <summary>
    /// Writes <paramref name="source"/> / ‖source‖ into <paramref name="destination"/>. A zero, NaN or
    /// infinite vector has no direction and is rejected.
    /// </summary>
    public static void Normalise(ReadOnlySpan<float> source, Span<float> destination, string parameterName)
    {
        var norm = TensorPrimitives.Norm(source);
        if (!float.IsFinite(norm) || norm <= 0f)
        {
            throw new ArgumentException(
                $"the embedding has no direction (norm {norm}): zero, NaN or infinite values", parameterName);
        }

        TensorPrimitives.Divide(source, norm, destination[..source.Length]);
    }

    /// <summary>
    /// Symmetric per-vector quantisation: x → round(x · 127 / max|x|). Returns the inverse scale
    /// (max|x| / 127), so that dot(a, b) ≈ intDot(qa, qb) · inverseScaleA · inverseScaleB.
    /// </summary>
    public static float Quantise(ReadOnlySpan<float> source, Span<sbyte> destination)
    {
        var maximum = TensorPrimitives.MaxMagnitude(source);
        maximum = MathF.Abs(maximum);
        if (maximum == 0f)
        {
            destination[..source.Length].Clear();
            return 0f;
        }

        var scale = QuantisationLevels / maximum;
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = (sbyte)Math.Clamp(MathF.Round(source[i] * scale), -QuantisationLevels, QuantisationLevels);
        }

        return maximum / QuantisationLevels;
    }

    /// <summary>Float rows [start, end) of <paramref name="chunk"/> against a padded unit query.</summary>
    public static void ScanFloat(GalleryChunk chunk, int start, int end, ReadOnlySpan<float> query, bool[] eligible, ref TopTwoPersons top)
    {
        var stride = chunk.Stride;
        var data = chunk.Floats;
        var persons = chunk.PersonIndexes;
        var templateIds = chunk.TemplateIds;
        var queryVectors = MemoryMarshal.Cast<float, Vector256<float>>(query[..stride]);
        var vectorsPerRow = queryVectors.Length;

        var row = start;
        for (; row + 4 <= end; row += 4)
        {
            var block = MemoryMarshal.Cast<float, Vector256<float>>(data.AsSpan(row * stride, 4 * stride));
            var sum0 = Vector256<float>.Zero;
            var sum1 = Vector256<float>.Zero;
            var sum2 = Vector256<float>.Zero;
            var sum3 = Vector256<float>.Zero;
            var row0 = block[..vectorsPerRow];
            var row1 = block.Slice(vectorsPerRow, vectorsPerRow);
            var row2 = block.Slice(2 * vectorsPerRow, vectorsPerRow);
            var row3 = block.Slice(3 * vectorsPerRow, vectorsPerRow);
            for (var j = 0; j < queryVectors.Length; j++)
            {
                var q = queryVectors[j];
                sum0 = Vector256.MultiplyAddEstimate(row0[j], q, sum0);
                sum1 = Vector256.MultiplyAddEstimate(row1[j], q, sum1);
                sum2 = Vector256.MultiplyAddEstimate(row2[j], q, sum2);
                sum3 = Vector256.MultiplyAddEstimate(row3[j], q, sum3);
            }

            Consider(Vector256.Sum(sum0), row, persons, templateIds, eligible, ref top);
            Consider(Vector256.Sum(sum1), row + 1, persons, templateIds, eligible, ref top);
            Consider(Vector256.Sum(sum2), row + 2, persons, templateIds, eligible, ref top);
            Consider(Vector256.Sum(sum3), row + 3, persons, templateIds, eligible, ref top);
        }

        for (; row < end; row++)
        {
            var single = MemoryMarshal.Cast<float, Vector256<float>>(data.AsSpan(row * stride, stride));
            var sum = Vector256<float>.Zero;
            for (var j = 0; j < queryVectors.Length; j++)
            {
                sum = Vector256.MultiplyAddEstimate(single[j], queryVectors[j], sum);
            }

            Consider(Vector256.Sum(sum), row, persons, templateIds, eligible, ref top);
        }
    }

    /// <summary>
    /// Int8 rows [start, end) against a quantised query. Products of two values in [-127, 127] and
    /// sums of two such products fit 16 bits, so AVX2 multiplies 32 byte pairs per instruction.
    /// </summary>
    public static void ScanInt8(GalleryChunk chunk, int start, int end, QuantisedQuery query, bool[] eligible, ref TopTwoPersons top)
    {
        var stride = chunk.Stride;
        var data = chunk.Bytes;
        var scales = chunk.InverseScales;
        var persons = chunk.PersonIndexes;
        var templateIds = chunk.TemplateIds;
        for (var row = start; row < end; row++)
        {
            var dot = DotInt8(data.AsSpan(row * stride, stride), query);
            Consider(dot * scales[row] * query.InverseScale, row, persons, templateIds, eligible, ref top);
        }
    }

    /// <summary>Integer dot product of an int8 row with a quantised query (both padded to the stride).</summary>
    public static int DotInt8(ReadOnlySpan<sbyte> row, QuantisedQuery query)
    {
        if (Avx2.IsSupported)
        {
            // maddubs multiplies unsigned by signed bytes: |q| · (row · sign(q)) = q · row.
            var rowVectors = MemoryMarshal.Cast<sbyte, Vector256<sbyte>>(row);
            var values = MemoryMarshal.Cast<sbyte, Vector256<sbyte>>(query.Values.AsSpan(0, row.Length));
            var magnitudes = MemoryMarshal.Cast<byte, Vector256<byte>>(query.Magnitudes.AsSpan(0, row.Length));
            var ones = Vector256.Create((short)1);
            var sum0 = Vector256<int>.Zero;
            var sum1 = Vector256<int>.Zero;
            var j = 0;
            for (; j + 2 <= rowVectors.Length; j += 2)
            {
                var pairs0 = Avx2.MultiplyAddAdjacent(magnitudes[j], Avx2.Sign(rowVectors[j], values[j]));
                var pairs1 = Avx2.MultiplyAddAdjacent(magnitudes[j + 1], Avx2.Sign(rowVectors[j + 1], values[j + 1]));
                sum0 += Avx2.MultiplyAddAdjacent(pairs0, ones);
                sum1 += Avx2.MultiplyAddAdjacent(pairs1, ones);
            }

            for (; j < rowVectors.Length; j++)
            {
                sum0 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(magnitudes[j], Avx2.Sign(rowVectors[j], values[j])), ones);
            }

            return Vector256.Sum(sum0 + sum1);
        }

        return DotInt8Portable(row, query.Widened.AsSpan(0, row.Length));
    }

    /// <summary>The same dot product with cross-platform 128-bit vectors (arm64 NEON, or no AVX2) and a 16-bit query.</summary>
    public static int DotInt8Portable(ReadOnlySpan<sbyte> row, ReadOnlySpan<short> query)
    {
        var rowVectors = MemoryMarshal.Cast<sbyte, Vector128<sbyte>>(row);
        var queryVectors = MemoryMarshal.Cast<short, Vector128<short>>(query);
        var sum = Vector128<int>.Zero;
        for (var j = 0; j < rowVectors.Length; j++)
        {
            var values = rowVectors[j];
            var low = Vector128.WidenLower(values) * queryVectors[2 * j];
            var high = Vector128.WidenUpper(values) * queryVectors[2 * j + 1];
            sum += Vector128.WidenLower(low) + Vector128.WidenUpper(low) + Vector128.WidenLower(high) + Vector128.WidenUpper(high);
        }

        return Vector128.Sum(sum);
    }

    /// <summary>
    /// Reads every byte of <paramref name="data"/> once with wide loads (an XOR reduction, so the
    /// JIT cannot drop it): the memory-bandwidth floor a scan of the same bytes cannot beat.
    /// </summary>
    public static ulong StreamRead(ReadOnlySpan<byte> data)
    {
        var vectors = MemoryMarshal.Cast<byte, Vector256<ulong>>(data);
        var a = Vector256<ulong>.Zero;
        var b = Vector256<ulong>.Zero;
        var c = Vector256<ulong>.Zero;
        var d = Vector256<ulong>.Zero;
        var i = 0;
        for (; i + 4 <= vectors.Length; i += 4)
        {
            a ^= vectors[i];
            b ^= vectors[i + 1];
            c ^= vectors[i + 2];
            d ^= vectors[i + 3];
        }

        for (; i < vectors.Length; i++)
        {
            a ^= vectors[i];
        }

        var folded = a ^ b ^ c ^ d;
        return folded[0] ^ folded[1] ^ folded[2] ^ folded[3];
    }

    private static void Consider(float similarity, int row, int[] persons, long[] templateIds, bool[] eligible, ref TopTwoPersons top)
    {
        if (similarity > top.SecondSimilarity)
        {
            var person = persons[row];
            if (eligible[person])
            {
                top.Offer(similarity, person, templateIds[row]);
            }
        }
    }
}
