using System.Diagnostics;
using EdgeGate.Gallery;

namespace EdgeGate.Evaluation.Benchmarks;

/// <summary>What <see cref="GalleryBenchmark.Run"/> measures.</summary>
public sealed record GalleryBenchmarkOptions
{
    public int Size { get; init; } = 100_000;
    public int Dimension { get; init; } = 512;
    public GalleryPrecision Precision { get; init; } = GalleryPrecision.Float32;
    public int SearchThreads { get; init; } = 1;
    public int Queries { get; init; } = 200;
    public int TemplatesPerPerson { get; init; } = 3;

    /// <summary>Noise σ of templates and probes around a person's centre (cosine to centre ≈ 1/√(1+σ²)).</summary>
    public float Noise { get; init; } = 0.6f;

    /// <summary>
    /// Passes over the storage for the bandwidth floor, interleaved with the searches; the fastest
    /// counts. 0 = one per four searches, at least five (on a shared machine, a fair floor needs
    /// about as many chances to hit a quiet moment as the searches get).
    /// </summary>
    public int FloorPasses { get; init; }

    /// <summary>
    /// For Int8: also build a Float32 gallery of the same data and measure top-1 agreement and
    /// similarity error, on probes of enrolled people and on random vectors.
    /// </summary>
    public bool CompareWithFloat { get; init; }

    public int Seed { get; init; } = 1;
}

/// <summary>Latency statistics in milliseconds.</summary>
public sealed record LatencySummary(double Minimum, double Median, double Percentile95, double Maximum);

/// <summary>How an approximate gallery's answers compare with the exact float ones.</summary>
public sealed record AccuracyComparison(
    int Queries,
    double TopOneAgreement,
    double MeanAbsoluteSimilarityError,
    double MaximumAbsoluteSimilarityError);

/// <summary>Results of one gallery benchmark run.</summary>
public sealed record GalleryBenchmarkReport
{
    public required int Size { get; init; }
    public required int Persons { get; init; }
    public required int Dimension { get; init; }
    public required string Precision { get; init; }
    public required int SearchThreads { get; init; }
    public required int Queries { get; init; }
    public required string VectorPath { get; init; }
    public required double FillSeconds { get; init; }
    public required LatencySummary SearchMilliseconds { get; init; }
    public required double MemoryBytesPerTemplateMeasured { get; init; }
    public required double MemoryBytesPerTemplateStorage { get; init; }
    public required int MemoryBytesPerTemplateTheoretical { get; init; }
    public required long ScannedBytesPerSearch { get; init; }
    public required double BandwidthFloorMilliseconds { get; init; }
    public required double BandwidthFloorGigabytesPerSecond { get; init; }
    public required double SearchGigabytesPerSecond { get; init; }
    /// <summary>Median search time over the fastest streaming pass.</summary>
    public required double SearchOverFloor { get; init; }

    /// <summary>Fastest search over the fastest streaming pass: the least load-sensitive ratio on a shared machine.</summary>
    public required double FastestSearchOverFloor { get; init; }
    public required int MatchedProbes { get; init; }
    public AccuracyComparison? ClusteredAgreement { get; init; }
    public AccuracyComparison? RandomAgreement { get; init; }
}

/// <summary>
/// Fills a gallery with synthetic people, times searches, and measures the memory-bandwidth floor
/// (one streaming read of the same bytes) that a full scan cannot beat.
/// </summary>
public static class GalleryBenchmark
{
    public static GalleryBenchmarkReport Run(GalleryBenchmarkOptions options, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Size, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Queries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TemplatesPerPerson, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.FloorPasses);

        var persons = Math.Max(1, options.Size / options.TemplatesPerPerson);
        var data = new SyntheticEmbeddings(options.Dimension, options.Seed);

        // Probe targets are chosen up front so their centres can be kept without keeping every centre.
        var probePersons = new int[options.Queries];
        for (var i = 0; i < probePersons.Length; i++)
        {
            probePersons[i] = data.NextInt(persons);
        }

        var probeCentres = new Dictionary<int, float[]>();
        var compare = options.CompareWithFloat && options.Precision != GalleryPrecision.Float32;

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var gallery = new FaceGallery(new FaceGalleryOptions
        {
            Dimension = options.Dimension,
            Precision = options.Precision,
            SearchThreads = options.SearchThreads,
            // The thread count asked for is used at every size, so that it can be measured.
            MinimumRowsForParallelSearch = 0,
        });
        using var exact = compare ? new FaceGallery(new FaceGalleryOptions { Dimension = options.Dimension }) : null;
        try
        {
            progress?.Invoke($"filling {options.Size} templates ({persons} persons)");
            var wanted = probePersons.ToHashSet();
            var centre = new float[options.Dimension];
            var template = new float[options.Dimension];
            var fill = Stopwatch.StartNew();
            long templateId = 0;
            for (var person = 0; person < persons; person++)
            {
                data.NextUnit(centre);
                if (wanted.Contains(person))
                {
                    probeCentres[person] = (float[])centre.Clone();
                }

                var count = person == persons - 1 ? options.Size - (int)templateId : options.TemplatesPerPerson;
                for (var t = 0; t < count; t++)
                {
                    data.NextNear(centre, options.Noise, template);
                    gallery.AddTemplate(templateId, PersonName(person), template);
                    exact?.AddTemplate(templateId, PersonName(person), template);
                    templateId++;
                }
            }

            fill.Stop();
            var measuredBytes = compare ? double.NaN : (GC.GetTotalMemory(forceFullCollection: true) - before) / (double)options.Size;

            var probes = probePersons.Select(person => data.NextNear(probeCentres[person], options.Noise)).ToArray();
            var matched = 0;
            for (var i = 0; i < Math.Min(5, probes.Length); i++)
            {
                gallery.Search(probes[i]);
            }

            // Floor passes are interleaved with the searches so both see the same machine load.
            var latencies = new double[probes.Length];
            var floorPasses = options.FloorPasses > 0 ? options.FloorPasses : Math.Max(5, probes.Length / 4);
            var floorEvery = Math.Max(1, probes.Length / floorPasses);
            progress?.Invoke($"timing {probes.Length} searches and {floorPasses} streaming passes");
            var floor = double.MaxValue;
            var floorsDone = 0;
            ulong checksum = 0;
            for (var i = 0; i < probes.Length; i++)
            {
                if (i % floorEvery == 0 && floorsDone < floorPasses)
                {
                    floor = Math.Min(floor, TimeStream(gallery, ref checksum));
                    floorsDone++;
                }

                var started = Stopwatch.GetTimestamp();
                var result = gallery.Search(probes[i]);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (result.BestPersonId == PersonName(probePersons[i]))
                {
                    matched++;
                }
            }

            for (; floorsDone < floorPasses; floorsDone++)
            {
                floor = Math.Min(floor, TimeStream(gallery, ref checksum));
            }

            GC.KeepAlive(checksum);
            var scanned = (long)gallery.ScannedBytesPerTemplate * options.Size;
            // The floor streams the embeddings only; int8 also reads one scale per row.
            var streamed = (long)(options.Precision == GalleryPrecision.Float32 ? gallery.ScannedBytesPerTemplate : gallery.ScannedBytesPerTemplate - sizeof(float)) * options.Size;
            Array.Sort(latencies);
            var summary = new LatencySummary(latencies[0], Percentile.Of(latencies, 0.5), Percentile.Of(latencies, 0.95), latencies[^1]);

            AccuracyComparison? clustered = null;
            AccuracyComparison? random = null;
            if (exact is not null)
            {
                progress?.Invoke("comparing with float");
                clustered = Compare(exact, gallery, probes);
                random = Compare(exact, gallery, probes.Select(_ => data.NextUnit()).ToArray());
            }

            return new GalleryBenchmarkReport
            {
                Size = options.Size,
                Persons = persons,
                Dimension = options.Dimension,
                Precision = options.Precision.ToString(),
                SearchThreads = options.SearchThreads,
                Queries = probes.Length,
                VectorPath = System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "avx2" : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? "vector128" : "scalar",
                FillSeconds = fill.Elapsed.TotalSeconds,
                SearchMilliseconds = summary,
                MemoryBytesPerTemplateMeasured = measuredBytes,
                MemoryBytesPerTemplateStorage = gallery.StorageBytes / (double)options.Size,
                MemoryBytesPerTemplateTheoretical = gallery.ScannedBytesPerTemplate + sizeof(long) + sizeof(int),
                ScannedBytesPerSearch = scanned,
                BandwidthFloorMilliseconds = floor,
                BandwidthFloorGigabytesPerSecond = streamed / floor / 1e6,
                SearchGigabytesPerSecond = scanned / summary.Median / 1e6,
                SearchOverFloor = summary.Median / floor,
                FastestSearchOverFloor = summary.Minimum / floor,
                MatchedProbes = matched,
                ClusteredAgreement = clustered,
                RandomAgreement = random,
            };
        }
        finally
        {
            gallery.Dispose();
        }
    }

    private static double TimeStream(FaceGallery gallery, ref ulong checksum)
    {
        var started = Stopwatch.GetTimestamp();
        checksum ^= gallery.StreamStorage();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static AccuracyComparison Compare(FaceGallery exact, FaceGallery approximate, float[][] queries)
    {
        var agree = 0;
        var errorSum = 0.0;
        var errorMaximum = 0.0;
        foreach (var query in queries)
        {
            var expected = exact.Search(query);
            var actual = approximate.Search(query);
            if (expected.BestPersonId == actual.BestPersonId)
            {
                agree++;
            }

            // Error of the reported best similarity against the exact similarity of the same answer slot.
            var error = Math.Abs(expected.BestSimilarity - actual.BestSimilarity);
            errorSum += error;
            errorMaximum = Math.Max(errorMaximum, error);
        }

        return new AccuracyComparison(queries.Length, agree / (double)queries.Length, errorSum / queries.Length, errorMaximum);
    }

    private static string PersonName(int person) => person.ToString("D7", System.Globalization.CultureInfo.InvariantCulture);
}
