namespace EdgeGate.Gallery;

/// <summary>How gallery embeddings are stored and compared.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The values name the storage precision, which is a numeric type.")]
public enum GalleryPrecision
{
    /// <summary>32-bit floats: exact dot products, 4 bytes per dimension.</summary>
    Float32,

    /// <summary>
    /// Signed 8-bit integers with one symmetric scale per vector (max |x| maps to 127): 1 byte per
    /// dimension, integer dot products; similarities are approximate (see the gallery benchmark).
    /// </summary>
    Int8,
}

/// <summary>Options of a <see cref="FaceGallery"/>.</summary>
public sealed class FaceGalleryOptions
{
    /// <summary>Embedding length; every template and query must have exactly this many values.</summary>
    public int Dimension { get; set; } = 512;

    public GalleryPrecision Precision { get; set; } = GalleryPrecision.Float32;

    /// <summary>
    /// Largest number of rows in one storage chunk. Chunks start small and double up to this size, so
    /// a small gallery stays small and a large one never needs a single huge array.
    /// </summary>
    public int MaximumRowsPerChunk { get; set; } = 16384;

    /// <summary>
    /// Threads one search may use (1 = the calling thread only). Only galleries of at least
    /// <see cref="MinimumRowsForParallelSearch"/> rows are split; a parallel search allocates a little
    /// task bookkeeping per call.
    /// </summary>
    public int SearchThreads { get; set; } = 1;

    /// <summary>Below this many rows a search always runs on the calling thread.</summary>
    public int MinimumRowsForParallelSearch { get; set; } = 131072;

    /// <summary>
    /// Default thresholds for <see cref="FaceGallery.Match(ReadOnlySpan{float})"/>: the gateway's shipped
    /// ones (docs/recognition-thresholds.md); calibrate per site.
    /// </summary>
    public MatchThresholds Thresholds { get; set; } = new(Similarity: 0.411f, Margin: 0.05f);

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (Dimension is < 1 or > 65536)
        {
            throw new ArgumentOutOfRangeException(nameof(Dimension), Dimension, "the dimension must be in [1, 65536]");
        }

        if (MaximumRowsPerChunk is < 16 or > 1 << 22)
        {
            throw new ArgumentOutOfRangeException(nameof(MaximumRowsPerChunk), MaximumRowsPerChunk, "rows per chunk must be in [16, 4194304]");
        }

        if ((long)MaximumRowsPerChunk * Dimension * 4 > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(MaximumRowsPerChunk), MaximumRowsPerChunk, "one chunk would exceed the largest array");
        }

        if (SearchThreads is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(SearchThreads), SearchThreads, "search threads must be in [1, 64]");
        }

        if (MinimumRowsForParallelSearch < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumRowsForParallelSearch), MinimumRowsForParallelSearch, "must not be negative");
        }

        if (!Enum.IsDefined(Precision))
        {
            throw new ArgumentOutOfRangeException(nameof(Precision), Precision, "unknown precision");
        }

        Thresholds.Validate();
    }
}
