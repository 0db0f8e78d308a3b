namespace EdgeGate.Gallery;

/// <summary>
/// One contiguous block of gallery rows: embeddings row-major with a padded stride, plus the template
/// id and person index of each row. Rows [0, <see cref="Count"/>) are live; removal moves the last
/// row into the hole so the live rows stay contiguous.
/// </summary>
internal sealed class GalleryChunk
{
    public GalleryChunk(GalleryPrecision precision, int stride, int capacity)
    {
        Precision = precision;
        Stride = stride;
        Allocate(capacity);
    }

    public GalleryPrecision Precision { get; }

    public int Stride { get; }

    public int Count { get; set; }

    public int Capacity => TemplateIds.Length;

    /// <summary>Float32 rows (length Capacity × Stride), or empty for Int8.</summary>
    public float[] Floats { get; private set; } = [];

    /// <summary>Int8 rows (length Capacity × Stride), or empty for Float32.</summary>
    public sbyte[] Bytes { get; private set; } = [];

    /// <summary>Int8 only: per row, the value one quantisation step stands for (max |x| / 127).</summary>
    public float[] InverseScales { get; private set; } = [];

    public long[] TemplateIds { get; private set; } = [];

    public int[] PersonIndexes { get; private set; } = [];

    /// <summary>Bytes held by this chunk's arrays.</summary>
    public long AllocatedBytes =>
        (long)Floats.Length * sizeof(float) + Bytes.Length + (long)InverseScales.Length * sizeof(float)
        + (long)TemplateIds.Length * sizeof(long) + (long)PersonIndexes.Length * sizeof(int);

    /// <summary>Grows the arrays to <paramref name="capacity"/> rows, keeping the live rows.</summary>
    public void Grow(int capacity)
    {
        var floats = Floats;
        var bytes = Bytes;
        var scales = InverseScales;
        var templateIds = TemplateIds;
        var persons = PersonIndexes;
        Allocate(capacity);
        floats.AsSpan(0, Math.Min(floats.Length, Count * Stride)).CopyTo(Floats);
        bytes.AsSpan(0, Math.Min(bytes.Length, Count * Stride)).CopyTo(Bytes);
        scales.AsSpan(0, Math.Min(scales.Length, Count)).CopyTo(InverseScales);
        templateIds.AsSpan(0, Count).CopyTo(TemplateIds);
        persons.AsSpan(0, Count).CopyTo(PersonIndexes);
    }

    /// <summary>Copies row <paramref name="source"/> over row <paramref name="destination"/>.</summary>
    public void CopyRow(int source, int destination)
    {
        if (Precision == GalleryPrecision.Float32)
        {
            Floats.AsSpan(source * Stride, Stride).CopyTo(Floats.AsSpan(destination * Stride, Stride));
        }
        else
        {
            Bytes.AsSpan(source * Stride, Stride).CopyTo(Bytes.AsSpan(destination * Stride, Stride));
            InverseScales[destination] = InverseScales[source];
        }

        TemplateIds[destination] = TemplateIds[source];
        PersonIndexes[destination] = PersonIndexes[source];
    }

    private void Allocate(int capacity)
    {
        var cells = checked(capacity * Stride);
        if (Precision == GalleryPrecision.Float32)
        {
            // Padding beyond the dimension must read as zero; fresh arrays are zeroed.
            Floats = new float[cells];
        }
        else
        {
            Bytes = new sbyte[cells];
            InverseScales = new float[capacity];
        }

        TemplateIds = new long[capacity];
        PersonIndexes = new int[capacity];
    }
}
