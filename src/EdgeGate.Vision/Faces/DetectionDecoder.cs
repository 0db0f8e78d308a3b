namespace EdgeGate.Vision.Faces;

/// <summary>How detector outputs become faces (model facts from the manifest's "postprocessing").</summary>
/// <param name="ScoreThreshold">Minimum P(face) of a candidate.</param>
/// <param name="MaximumCandidates">How many of the best candidates enter non-maximum suppression.</param>
/// <param name="NmsIouThreshold">A candidate overlapping a kept box by more than this is dropped.</param>
/// <param name="ContainmentThreshold">
/// A candidate whose box lies inside a kept box by more than this fraction of its own (the smaller)
/// area is dropped too: a second, smaller box on part of the same face (eyes and forehead of a tight
/// crop) overlaps the face's box by little in IoU terms, but two different faces are never nested.
/// </param>
public sealed record DetectorPostprocessing(float ScoreThreshold, int MaximumCandidates, float NmsIouThreshold, float ContainmentThreshold)
{
    public void Validate()
    {
        if (!(ScoreThreshold is >= 0f and <= 1f))
        {
            throw new InvalidDataException($"detector scoreThreshold {ScoreThreshold} is not in [0, 1]");
        }
        if (MaximumCandidates < 1)
        {
            throw new InvalidDataException($"detector maximumCandidates {MaximumCandidates} must be at least 1");
        }
        if (!(NmsIouThreshold is > 0f and <= 1f))
        {
            throw new InvalidDataException($"detector nmsIouThreshold {NmsIouThreshold} is not in (0, 1]");
        }
        if (!(ContainmentThreshold is > 0f and <= 1f))
        {
            throw new InvalidDataException($"detector containmentThreshold {ContainmentThreshold} is not in (0, 1]");
        }
    }
}

/// <summary>
/// Turns the detector's per-anchor outputs into faces: keep P(face) ≥ threshold, take the best
/// <see cref="DetectorPostprocessing.MaximumCandidates"/>, hard non-maximum suppression by
/// descending score (the best box of a cluster survives, not the top-most one; a box mostly inside a
/// better one is the same face, see <see cref="DetectorPostprocessing.ContainmentThreshold"/>), then scale the
/// normalised boxes to frame pixels. Scratch buffers are allocated once for the anchor count, so
/// decoding a frame allocates nothing.
/// </summary>
public sealed class DetectionDecoder
{
    private readonly DetectorPostprocessing settings;
    private readonly float[] candidateKeys;
    private readonly int[] candidateIndices;
    private readonly FaceBox[] kept;

    public DetectionDecoder(DetectorPostprocessing settings, int anchorCount)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(anchorCount);
        this.settings = settings;
        AnchorCount = anchorCount;
        candidateKeys = new float[anchorCount];
        candidateIndices = new int[anchorCount];
        kept = new FaceBox[Math.Min(anchorCount, settings.MaximumCandidates)];
    }

    public int AnchorCount { get; }

    /// <summary>
    /// Decodes one run. <paramref name="scores"/> holds [anchors, 2] (P(background), P(face));
    /// <paramref name="boxes"/> holds [anchors, 4] (x1, y1, x2, y2 in [0, 1]). Faces are appended
    /// to <paramref name="faces"/> (cleared first) best first.
    /// </summary>
    public void Decode(ReadOnlySpan<float> scores, ReadOnlySpan<float> boxes, int frameWidth, int frameHeight, List<FaceDetection> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameHeight);
        if (scores.Length != AnchorCount * 2 || boxes.Length != AnchorCount * 4)
        {
            throw new ArgumentException(
                $"expected {AnchorCount * 2} scores and {AnchorCount * 4} box values, got {scores.Length} and {boxes.Length}");
        }
        faces.Clear();

        var count = 0;
        for (var anchor = 0; anchor < AnchorCount; anchor++)
        {
            var score = scores[(anchor * 2) + 1];
            if (score >= settings.ScoreThreshold)
            {
                // Negated so an ascending sort puts the best first.
                candidateKeys[count] = -score;
                candidateIndices[count] = anchor;
                count++;
            }
        }
        if (count == 0)
        {
            return;
        }
        candidateKeys.AsSpan(0, count).Sort(candidateIndices.AsSpan(0, count));
        count = Math.Min(count, settings.MaximumCandidates);

        var keptCount = 0;
        for (var candidate = 0; candidate < count; candidate++)
        {
            var anchor = candidateIndices[candidate];
            var box = new FaceBox(boxes[anchor * 4], boxes[(anchor * 4) + 1], boxes[(anchor * 4) + 2], boxes[(anchor * 4) + 3]);
            if (box.Width <= 0f || box.Height <= 0f)
            {
                continue;
            }
            var suppressed = false;
            for (var index = 0; index < keptCount && !suppressed; index++)
            {
                suppressed = kept[index].IntersectionOverUnion(box) > settings.NmsIouThreshold
                    || kept[index].IntersectionOverSmaller(box) > settings.ContainmentThreshold;
            }
            if (suppressed)
            {
                continue;
            }
            kept[keptCount++] = box;
            var scaled = new FaceBox(box.X1 * frameWidth, box.Y1 * frameHeight, box.X2 * frameWidth, box.Y2 * frameHeight);
            faces.Add(new FaceDetection(scaled, -candidateKeys[candidate]));
        }
    }
}
