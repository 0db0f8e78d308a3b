using EdgeGate.Core.Persons;

namespace EdgeGate.Gallery;

/// <summary>
/// In-memory 1:N face index: unit embeddings keyed by template id, each belonging to a person.
/// A search scans every row with vectorised dot products and returns the best and second-best
/// eligible PERSON (each person counted once, by their best template).
/// </summary>
/// <remarks>
/// <para>Embeddings are L2-normalised on the way in (templates and queries alike), so similarity is
/// always the cosine whatever the input scale; a zero, NaN or infinite vector, or one of the wrong
/// length, is rejected with <see cref="ArgumentException"/>.</para>
/// <para>Updates (add/replace/remove a template, remove a person, set a person's eligibility) take a
/// write lock and are visible to the next search; searches share a read lock and may run
/// concurrently. A search on one thread allocates nothing but its result; a parallel search
/// (<see cref="FaceGalleryOptions.SearchThreads"/> &gt; 1) allocates its task bookkeeping.</para>
/// <para>Storage: rows live in chunks of at most <see cref="FaceGalleryOptions.MaximumRowsPerChunk"/>
/// rows (1,000,000 × 512 floats never needs one huge array); removing a template moves the last row
/// of its chunk into the hole.</para>
/// </remarks>
public sealed class FaceGallery : IDisposable
{
    private const int InitialChunkCapacity = 256;

    [ThreadStatic]
    private static float[]? threadQueryFloats;

    [ThreadStatic]
    private static float[]? threadRowFloats;

    private readonly FaceGalleryOptions options;
    private readonly ReaderWriterLockSlim gate = new(LockRecursionPolicy.NoRecursion);
    private readonly List<GalleryChunk> chunks = [];
    private readonly Dictionary<long, RowLocation> locations = [];
    private readonly Dictionary<string, PersonEntry> personsById = new(StringComparer.Ordinal);
    private readonly Stack<int> freePersonIndexes = new();
    private PersonEntry?[] personsByIndex = new PersonEntry?[16];
    private bool[] eligibleByIndex = new bool[16];
    private int personIndexCount;
    private int templateCount;
    private bool disposed;

    public FaceGallery(FaceGalleryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        Stride = EmbeddingKernels.StrideFor(options.Dimension);
    }

    public FaceGallery()
        : this(new FaceGalleryOptions())
    {
    }

    public int Dimension => options.Dimension;

    public GalleryPrecision Precision => options.Precision;

    /// <summary>The default thresholds used by <see cref="Match(ReadOnlySpan{float})"/>.</summary>
    public MatchThresholds Thresholds => options.Thresholds;

    /// <summary>Row length in storage (the dimension padded with zeros for the vector loops).</summary>
    internal int Stride { get; }

    public int TemplateCount
    {
        get
        {
            gate.EnterReadLock();
            try
            {
                return templateCount;
            }
            finally
            {
                gate.ExitReadLock();
            }
        }
    }

    /// <summary>Persons known to the gallery (with templates, or with an eligibility set).</summary>
    public int PersonCount
    {
        get
        {
            gate.EnterReadLock();
            try
            {
                return personsById.Count;
            }
            finally
            {
                gate.ExitReadLock();
            }
        }
    }

    /// <summary>Bytes held by the row storage (embeddings, scales, template ids, person indexes).</summary>
    public long StorageBytes
    {
        get
        {
            gate.EnterReadLock();
            try
            {
                return chunks.Sum(chunk => chunk.AllocatedBytes);
            }
            finally
            {
                gate.ExitReadLock();
            }
        }
    }

    /// <summary>Adds a template, or replaces the one with the same <see cref="FaceTemplate.Id"/>.</summary>
    public bool AddTemplate(FaceTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return AddTemplate(template.Id, template.PersonId, template.Embedding);
    }

    /// <summary>
    /// Adds a template for <paramref name="personId"/>, or replaces the embedding (and person) of an
    /// existing template with this id. Returns true when added, false when replaced. A new person is
    /// eligible unless <see cref="SetPersonEligibility"/> said otherwise before.
    /// </summary>
    public bool AddTemplate(long templateId, string personId, ReadOnlySpan<float> embedding)
    {
        ArgumentException.ThrowIfNullOrEmpty(personId);
        CheckDimension(embedding.Length, nameof(embedding));
        var unit = threadRowFloats is { } existing && existing.Length >= Stride ? existing : threadRowFloats = new float[Stride];
        EmbeddingKernels.Normalise(embedding, unit, nameof(embedding));

        gate.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var added = true;
            if (locations.TryGetValue(templateId, out var location))
            {
                var chunk = chunks[location.Chunk];
                var currentPerson = personsByIndex[chunk.PersonIndexes[location.Row]]!;
                if (currentPerson.Id == personId)
                {
                    WriteRow(chunk, location.Row, unit);
                    return false;
                }

                RemoveTemplateLocked(templateId);
                added = false;
            }

            var person = GetOrCreatePerson(personId);
            var (chunkIndex, target) = ChunkWithSpace();
            var row = target.Count;
            WriteRow(target, row, unit);
            target.TemplateIds[row] = templateId;
            target.PersonIndexes[row] = person.Index;
            target.Count = row + 1;
            locations[templateId] = new RowLocation(chunkIndex, row);
            person.TemplateIds.Add(templateId);
            templateCount++;
            return added;
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    /// <summary>Removes one template; false when the gallery does not hold it.</summary>
    public bool RemoveTemplate(long templateId)
    {
        gate.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return RemoveTemplateLocked(templateId);
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    /// <summary>
    /// Deregisters a person: removes all their templates and forgets them (including their
    /// eligibility). Returns the number of templates removed.
    /// </summary>
    public int RemovePerson(string personId)
    {
        ArgumentException.ThrowIfNullOrEmpty(personId);
        gate.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (!personsById.TryGetValue(personId, out var person))
            {
                return 0;
            }

            var removed = 0;
            while (person.TemplateIds.Count > 0)
            {
                RemoveTemplateLocked(person.TemplateIds[^1]);
                removed++;
            }

            personsById.Remove(personId);
            personsByIndex[person.Index] = null;
            eligibleByIndex[person.Index] = false;
            freePersonIndexes.Push(person.Index);
            return removed;
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    /// <summary>
    /// Includes (true) or excludes (false) a person from searches without deleting their templates:
    /// suspension, expiry, and back again. Setting it for a person without templates is remembered
    /// for templates added later.
    /// </summary>
    public void SetPersonEligibility(string personId, bool eligible)
    {
        ArgumentException.ThrowIfNullOrEmpty(personId);
        gate.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var person = GetOrCreatePerson(personId);
            eligibleByIndex[person.Index] = eligible;
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    /// <summary>Whether the person is searchable; null when the gallery does not know them.</summary>
    public bool? IsPersonEligible(string personId)
    {
        gate.EnterReadLock();
        try
        {
            return personsById.TryGetValue(personId, out var person) ? eligibleByIndex[person.Index] : null;
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    public bool ContainsTemplate(long templateId)
    {
        gate.EnterReadLock();
        try
        {
            return locations.ContainsKey(templateId);
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <summary>The template ids of a person (empty when unknown).</summary>
    public IReadOnlyList<long> GetTemplateIds(string personId)
    {
        gate.EnterReadLock();
        try
        {
            return personsById.TryGetValue(personId, out var person) ? person.TemplateIds.ToArray() : [];
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <summary>Removes every template and person (before a full resynchronisation).</summary>
    public void Clear()
    {
        gate.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            chunks.Clear();
            locations.Clear();
            personsById.Clear();
            freePersonIndexes.Clear();
            Array.Clear(personsByIndex);
            Array.Clear(eligibleByIndex);
            personIndexCount = 0;
            templateCount = 0;
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    /// <summary>Searches and judges the result with the thresholds from the options.</summary>
    public MatchResult Match(ReadOnlySpan<float> query) => Search(query).Judge(options.Thresholds);

    /// <summary>Searches and judges the result with the given thresholds.</summary>
    public MatchResult Match(ReadOnlySpan<float> query, MatchThresholds thresholds)
    {
        thresholds.Validate();
        return Search(query).Judge(thresholds);
    }

    /// <summary>The best and second-best eligible persons for <paramref name="query"/>.</summary>
    public GallerySearchResult Search(ReadOnlySpan<float> query)
    {
        CheckDimension(query.Length, nameof(query));
        var unit = threadQueryFloats is { } floats && floats.Length == Stride ? floats : threadQueryFloats = new float[Stride];
        EmbeddingKernels.Normalise(query, unit, nameof(query));
        unit.AsSpan(Dimension).Clear(); // the buffer is shared with galleries of the same stride
        var quantised = options.Precision == GalleryPrecision.Int8 ? QuantisedQuery.ForCurrentThread(unit, Dimension, Stride) : null;

        gate.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var top = TopTwoPersons.Empty;
            var threads = options.SearchThreads;
            if (threads > 1 && templateCount >= Math.Max(options.MinimumRowsForParallelSearch, threads * 1024))
            {
                var scan = new ParallelScan(this, unit, quantised, threads);
                Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, scan.ScanPartition);
                top = scan.Result;
            }
            else
            {
                ScanRows(0, templateCount, unit, quantised, ref top);
            }

            if (top.BestPerson < 0)
            {
                return GallerySearchResult.Empty;
            }

            var second = top.SecondPerson >= 0 ? personsByIndex[top.SecondPerson]!.Id : null;
            return new GallerySearchResult(
                personsByIndex[top.BestPerson]!.Id,
                top.BestTemplateId,
                top.BestSimilarity,
                second,
                second is null ? -1f : top.SecondSimilarity);
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <summary>
    /// Reads every stored embedding byte once (read lock held), returning a checksum: the time this
    /// takes is the memory-bandwidth floor of a search.
    /// </summary>
    public ulong StreamStorage()
    {
        gate.EnterReadLock();
        try
        {
            ulong checksum = 0;
            foreach (var chunk in chunks)
            {
                var cells = chunk.Count * Stride;
                checksum ^= chunk.Precision == GalleryPrecision.Float32
                    ? EmbeddingKernels.StreamRead(System.Runtime.InteropServices.MemoryMarshal.AsBytes(chunk.Floats.AsSpan(0, cells)))
                    : EmbeddingKernels.StreamRead(System.Runtime.InteropServices.MemoryMarshal.AsBytes(chunk.Bytes.AsSpan(0, cells)));
            }

            return checksum;
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <summary>Bytes a search reads per template row (the embedding at its padded stride, plus its scale for int8).</summary>
    public int ScannedBytesPerTemplate =>
        options.Precision == GalleryPrecision.Float32 ? Stride * sizeof(float) : Stride + sizeof(float);

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        gate.EnterWriteLock();
        try
        {
            disposed = true;
            chunks.Clear();
            locations.Clear();
        }
        finally
        {
            gate.ExitWriteLock();
        }

        gate.Dispose();
    }

    /// <summary>Scans global rows [start, end) — rows numbered across chunks in order.</summary>
    private void ScanRows(int start, int end, float[] unit, QuantisedQuery? quantised, ref TopTwoPersons top)
    {
        var offset = 0;
        foreach (var chunk in chunks)
        {
            var from = Math.Max(start - offset, 0);
            var to = Math.Min(end - offset, chunk.Count);
            if (from < to)
            {
                if (chunk.Precision == GalleryPrecision.Float32)
                {
                    EmbeddingKernels.ScanFloat(chunk, from, to, unit, eligibleByIndex, ref top);
                }
                else
                {
                    EmbeddingKernels.ScanInt8(chunk, from, to, quantised!, eligibleByIndex, ref top);
                }
            }

            offset += chunk.Count;
            if (offset >= end)
            {
                break;
            }
        }
    }

    private void CheckDimension(int length, string parameterName)
    {
        if (length != options.Dimension)
        {
            throw new ArgumentException($"the embedding has {length} values, the gallery expects {options.Dimension}", parameterName);
        }
    }

    private void WriteRow(GalleryChunk chunk, int row, float[] unit)
    {
        var source = unit.AsSpan(0, Dimension);
        if (chunk.Precision == GalleryPrecision.Float32)
        {
            var target = chunk.Floats.AsSpan(row * Stride, Stride);
            source.CopyTo(target);
            target[Dimension..].Clear();
        }
        else
        {
            var target = chunk.Bytes.AsSpan(row * Stride, Stride);
            chunk.InverseScales[row] = EmbeddingKernels.Quantise(source, target);
            target[Dimension..].Clear();
        }
    }

    private (int Index, GalleryChunk Chunk) ChunkWithSpace()
    {
        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i];
            if (chunk.Count < options.MaximumRowsPerChunk)
            {
                if (chunk.Count == chunk.Capacity)
                {
                    chunk.Grow(Math.Min(chunk.Capacity * 2, options.MaximumRowsPerChunk));
                }

                return (i, chunk);
            }
        }

        var created = new GalleryChunk(options.Precision, Stride, Math.Min(InitialChunkCapacity, options.MaximumRowsPerChunk));
        chunks.Add(created);
        return (chunks.Count - 1, created);
    }

    private bool RemoveTemplateLocked(long templateId)
    {
        if (!locations.Remove(templateId, out var location))
        {
            return false;
        }

        var chunk = chunks[location.Chunk];
        var person = personsByIndex[chunk.PersonIndexes[location.Row]]!;
        var last = chunk.Count - 1;
        if (location.Row != last)
        {
            chunk.CopyRow(last, location.Row);
            locations[chunk.TemplateIds[location.Row]] = location;
        }

        chunk.Count = last;
        person.TemplateIds.Remove(templateId);
        templateCount--;
        return true;
    }

    private PersonEntry GetOrCreatePerson(string personId)
    {
        if (personsById.TryGetValue(personId, out var existing))
        {
            return existing;
        }

        int index;
        if (!freePersonIndexes.TryPop(out index))
        {
            index = personIndexCount++;
            if (index == personsByIndex.Length)
            {
                // Searches hold the read lock, so replacing the arrays under the write lock is safe.
                Array.Resize(ref personsByIndex, index * 2);
                Array.Resize(ref eligibleByIndex, index * 2);
            }
        }

        var person = new PersonEntry(personId, index);
        personsById.Add(personId, person);
        personsByIndex[index] = person;
        eligibleByIndex[index] = true;
        return person;
    }

    private readonly record struct RowLocation(int Chunk, int Row);

    private sealed class PersonEntry(string id, int index)
    {
        public string Id { get; } = id;

        public int Index { get; } = index;

        public List<long> TemplateIds { get; } = [];
    }

    /// <summary>One parallel search: the rows split into equal ranges, partial top twos merged exactly.</summary>
    private sealed class ParallelScan(FaceGallery gallery, float[] unit, QuantisedQuery? quantised, int partitions)
    {
        private TopTwoPersons result = TopTwoPersons.Empty;

        public TopTwoPersons Result => result;

        public void ScanPartition(int partition)
        {
            var total = gallery.templateCount;
            var start = (int)((long)total * partition / partitions);
            var end = (int)((long)total * (partition + 1) / partitions);
            var local = TopTwoPersons.Empty;
            gallery.ScanRows(start, end, unit, quantised, ref local);
            lock (this)
            {
                result.Merge(local);
            }
        }
    }
}
