using System.Diagnostics;
using EdgeGate.Imaging;
using EdgeGate.Vision.Inference;
using EdgeGate.Vision.Models;
using EdgeGate.Vision.Presentation;

namespace EdgeGate.Vision.Faces;

/// <summary>How the face pipeline runs.</summary>
public sealed record FacePipelineOptions
{
    /// <summary>Intra-op threads per model session (1 on a shared 2-core box; 2 with spinning off is the other measured choice).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>At most this many faces per frame get landmarks, embedding and liveness (the largest ones).</summary>
    public int MaximumFaces { get; init; } = 10;

    /// <summary>
    /// Compute embeddings (off for a detection-only pass). With embeddings on, detections whose raw
    /// embedding norm is below the manifest's minimumFaceNorm are dropped as false detections.
    /// </summary>
    public bool ComputeEmbeddings { get; init; } = true;

    /// <summary>Compute liveness P(real) and the presentation cues.</summary>
    public bool ComputeLiveness { get; init; } = true;

    /// <summary>
    /// With liveness: measure the colour texture among the cues (<see cref="ColourTexture"/>, 0.1–0.2 ms
    /// per face). By default only when the shipped check weighs it; <c>edgegate eval --attacks</c> always
    /// measures it to report and refit it. Without it the texture's figures are zero.
    /// </summary>
    public bool ComputeColourTexture { get; init; } = PresentationCheckWeights.Shipped.UsesColourTexture;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Threads, 1, nameof(Threads));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaximumFaces, 1, nameof(MaximumFaces));
    }
}

/// <summary>
/// The face pipeline (ARCHITECTURE §2): detect → square box → landmarks → five points → similarity
/// alignment → embedding (L2-normalised) and liveness on a wider crop, with quality figures. Models
/// are loaded once; analysing into a reused <see cref="FaceAnalysis"/> allocates nothing in steady
/// state. Not thread-safe: one pipeline per recognition thread.
/// </summary>
public sealed class FacePipeline : IDisposable
{
    private static readonly Comparison<FaceDetection> LargestFirst = static (first, second) => second.Box.Area.CompareTo(first.Box.Area);

    private readonly FacePipelineOptions options;
    private readonly FaceDetector detector;
    private readonly LandmarkDetector landmarks;
    private readonly FaceAligner aligner;
    private readonly FaceEmbedder embedder;
    private readonly LivenessChecker liveness;
    private readonly PresentationCueMeter cues;
    private readonly List<FaceDetection> detections = [];
    private readonly byte[] aligned;
    private readonly byte[] alignedGray;

    private FacePipeline(ModelCatalog catalog, FacePipelineOptions options)
    {
        options.Validate();
        this.options = options;
        cues = new PresentationCueMeter(options.ComputeColourTexture);
        Catalog = catalog;
        Facts = FaceModelFacts.Load(Path.Combine(catalog.Directory, ModelManifest.FileName));
        var inferenceOptions = new InferenceOptions { IntraOpThreads = options.Threads, AllowSpinning = false };
        var loaded = new List<IDisposable>();
        try
        {
            detector = Keep(new FaceDetector(catalog, Facts, inferenceOptions), loaded);
            landmarks = Keep(new LandmarkDetector(catalog, Facts, inferenceOptions), loaded);
            embedder = Keep(new FaceEmbedder(catalog, inferenceOptions), loaded);
            liveness = Keep(new LivenessChecker(catalog, Facts, inferenceOptions), loaded);
        }
        catch
        {
            foreach (var model in loaded)
            {
                model.Dispose();
            }
            throw;
        }
        aligner = new FaceAligner(Facts.AlignmentReference, embedder.InputSize);
        aligned = new byte[aligner.Size * aligner.Size * 3];
        alignedGray = new byte[aligner.Size * aligner.Size];
    }

    public ModelCatalog Catalog { get; }

    public FaceModelFacts Facts { get; }

    public FacePipelineOptions Options => options;

    /// <summary>The embedding model id from the manifest (store it with each template).</summary>
    public string EmbeddingModelId => embedder.ModelId;

    /// <summary>Length of an embedding.</summary>
    public int EmbeddingDimension => embedder.Dimension;

    /// <summary>Loads the four models once.</summary>
    /// <param name="catalog">The models directory; null finds it (<see cref="ModelCatalog.Locate"/>).</param>
    /// <exception cref="Microsoft.ML.OnnxRuntime.OnnxRuntimeException">ONNX Runtime cannot load a model.</exception>
    /// <exception cref="DllNotFoundException">The ONNX Runtime library cannot be loaded.</exception>
    /// <exception cref="FileNotFoundException">A model file is missing.</exception>
    /// <exception cref="InvalidDataException">The manifest is incomplete or a model's checksum differs.</exception>
    public static FacePipeline Load(ModelCatalog? catalog = null, FacePipelineOptions? options = null) =>
        new(catalog ?? ModelCatalog.Locate(), options ?? new FacePipelineOptions());

    /// <summary>Analyses a BGR frame into new objects (for enrolment and tools; the gate reuses a <see cref="FaceAnalysis"/>).</summary>
    public IReadOnlyList<DetectedFace> Analyse(ReadOnlyImageSpan frame)
    {
        var analysis = new FaceAnalysis();
        Analyse(frame, analysis);
        return analysis.Faces;
    }

    /// <summary>Decodes and analyses an image file.</summary>
    /// <exception cref="EdgeGate.Imaging.Interop.OpenCv.OpenCvException">The file cannot be read or decoded; the message names it.</exception>
    public IReadOnlyList<DetectedFace> AnalyseFile(string path)
    {
        using var image = BgrImage.Load(path);
        return Analyse(image.AsReadOnlySpan());
    }

    /// <summary>
    /// Analyses a photo whose face may fill it to the edges (an ID-style crop): the detector looks at
    /// it inside a border of <paramref name="detectionBorder"/> pixels of its mean colour, for the
    /// context it needs to find such a face once; landmarks, alignment and embedding use the photo's own
    /// pixels (a face cut by the edge is completed from its mirror image, as at the gate). Boxes are in
    /// the photo's pixels and may reach past its edges. Allocates the bordered copy: for enrolment, not
    /// for the gate's frames.
    /// </summary>
    public IReadOnlyList<DetectedFace> Analyse(ReadOnlyImageSpan photo, int detectionBorder)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(detectionBorder);
        var analysis = new FaceAnalysis();
        Analyse(photo, analysis, detectionBorder);
        return analysis.Faces;
    }

    /// <summary>
    /// Detection only (no landmarks, embedding or liveness), into <paramref name="faces"/>, as the
    /// detector gives them: for a second look at a frame, such as the paired infrared camera's.
    /// </summary>
    public void Detect(ReadOnlyImageSpan frame, List<FaceDetection> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        FaceDetector.RequireBgr(frame);
        detector.Detect(frame, faces);
    }

    /// <summary>Analyses a BGR frame into <paramref name="analysis"/>, overwriting its previous faces.</summary>
    public void Analyse(ReadOnlyImageSpan frame, FaceAnalysis analysis) => Analyse(frame, analysis, detectionBorder: 0);

    private void Analyse(ReadOnlyImageSpan frame, FaceAnalysis analysis, int detectionBorder)
    {
        var inferenceBefore = InferenceTicks;
        var start = Stopwatch.GetTimestamp();
        Detect(frame, analysis, detectionBorder);
        var detectEnd = Stopwatch.GetTimestamp();
        var stages = default(StageTicks);
        for (var i = 0; i < analysis.Faces.Count;)
        {
            if (Describe(frame, analysis.Faces[i], ref stages))
            {
                i++;
            }
            else
            {
                analysis.Reject(i);
            }
        }
        var end = Stopwatch.GetTimestamp();
        analysis.Timings = new FaceStageTimings(
            Stopwatch.GetElapsedTime(start, detectEnd),
            TimeSpan.FromTicks(ToTimeSpanTicks(stages.Landmarks)),
            TimeSpan.FromTicks(ToTimeSpanTicks(stages.Align)),
            TimeSpan.FromTicks(ToTimeSpanTicks(stages.Embed)),
            TimeSpan.FromTicks(ToTimeSpanTicks(stages.Liveness)),
            Stopwatch.GetElapsedTime(start, end),
            TimeSpan.FromTicks(ToTimeSpanTicks(InferenceTicks - inferenceBefore)),
            TimeSpan.FromTicks(ToTimeSpanTicks(stages.Cues)));
    }

    /// <summary>
    /// The first half of <see cref="Analyse(ReadOnlyImageSpan, FaceAnalysis)"/>: finds the faces of a
    /// BGR frame (box, score, square box; at most <see cref="FacePipelineOptions.MaximumFaces"/>, the
    /// largest) into <paramref name="analysis"/> without describing them. <see cref="Describe(ReadOnlyImageSpan, DetectedFace)"/>
    /// then describes the ones needed, on the same frame.
    /// </summary>
    public void Detect(ReadOnlyImageSpan frame, FaceAnalysis analysis) => Detect(frame, analysis, detectionBorder: 0);

    private void Detect(ReadOnlyImageSpan frame, FaceAnalysis analysis, int detectionBorder)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        FaceDetector.RequireBgr(frame);
        analysis.Reset();
        analysis.FrameWidth = frame.Width;
        analysis.FrameHeight = frame.Height;
        if (detectionBorder == 0)
        {
            detector.Detect(frame, detections);
        }
        else
        {
            DetectInsideBorder(frame, detectionBorder);
        }
        analysis.DetectedCount = detections.Count;
        if (detections.Count > options.MaximumFaces)
        {
            detections.Sort(LargestFirst);
            detections.RemoveRange(options.MaximumFaces, detections.Count - options.MaximumFaces);
        }
        foreach (var detection in detections)
        {
            var square = FaceGeometry.SquareBox(detection.Box, frame.Width, frame.Height);
            if (square.IsEmpty)
            {
                continue;
            }
            var face = analysis.Add(landmarks.PointCount, embedder.Dimension);
            face.Box = detection.Box;
            face.Score = detection.Score;
            face.SquareBox = square;
            face.EmbeddingModelId = embedder.ModelId;
            face.Quality = default;
            face.HasEmbedding = false;
            face.EmbeddingNorm = 0f;
            face.ProbabilityReal = null;
            face.Cues = null;
        }
    }

    /// <summary>
    /// Runs every model once, with the code around it, on a blank frame of the given size and a
    /// stand-in face in its middle, so that the first real face is analysed at full speed (ONNX
    /// Runtime allocates its buffers and picks its kernels on a session's first run; the first call
    /// of each method is compiled). Returns how long it took.
    /// </summary>
    public TimeSpan WarmUp(int frameWidth = 1280, int frameHeight = 720)
    {
        var started = Stopwatch.GetTimestamp();
        using var image = BgrImage.Create(frameWidth, frameHeight);
        var frame = image.AsReadOnlySpan();
        var analysis = new FaceAnalysis();
        Detect(frame, analysis);
        var side = frameHeight / 3f;
        var box = new FaceBox((frameWidth - side) / 2f, (frameHeight - side) / 2f, (frameWidth + side) / 2f, (frameHeight + side) / 2f);
        var face = new DetectedFace(landmarks.PointCount, embedder.Dimension)
        {
            Box = box,
            SquareBox = FaceGeometry.SquareBox(box, frameWidth, frameHeight),
        };
        if (!Describe(frame, face))
        {
            // A blank frame is no face, so the description stopped before liveness: run it and the cues too.
            liveness.ProbabilityReal(frame, face.SquareBox, out var crop);
            cues.Measure(frame, face.SquareBox, liveness.LastInput, crop);
        }
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>
    /// Describes a face found by <see cref="Detect(ReadOnlyImageSpan, List{FaceDetection})"/> on the same frame: landmarks, five points,
    /// alignment, quality, embedding and liveness (as the options say). False when the embedding's
    /// raw norm is below the manifest's minimum: not a face after all (it then has no embedding and
    /// no liveness).
    /// </summary>
    public bool Describe(ReadOnlyImageSpan frame, DetectedFace face)
    {
        var stages = default(StageTicks);
        return Describe(frame, face, ref stages);
    }

    private bool Describe(ReadOnlyImageSpan frame, DetectedFace face, ref StageTicks stages)
    {
        ArgumentNullException.ThrowIfNull(face);
        var alignedFace = new ImageSpan(aligned, aligner.Size, aligner.Size, aligner.Size * 3, PixelFormat.Bgr24);
        var alignedGrayFace = new ImageSpan(alignedGray, aligner.Size, aligner.Size, aligner.Size, PixelFormat.Gray8);

        var stageStart = Stopwatch.GetTimestamp();
        landmarks.Detect(frame, FaceGeometry.UnclippedSquareBox(face.Box), face.LandmarkBuffer);
        face.Points = landmarks.Layout.Reduce(face.LandmarkBuffer);
        var stageEnd = Stopwatch.GetTimestamp();
        stages.Landmarks += stageEnd - stageStart;

        stageStart = stageEnd;
        aligner.Align(frame, face.Points, alignedFace);
        ImageOps.ToGray(alignedFace, alignedGrayFace);
        var sharpness = SharpnessMeasure.VarianceOfLaplacian(alignedGray, aligner.Size, aligner.Size, aligner.Size);
        face.Quality = new FaceQuality(FaceGeometry.SizePixels(face.SquareBox), sharpness, PoseEstimate.YawDegrees(face.Points));
        stageEnd = Stopwatch.GetTimestamp();
        stages.Align += stageEnd - stageStart;

        face.HasEmbedding = false;
        face.EmbeddingNorm = 0f;
        if (options.ComputeEmbeddings)
        {
            stageStart = stageEnd;
            face.EmbeddingNorm = embedder.Embed(alignedFace, face.EmbeddingBuffer);
            face.HasEmbedding = true;
            stageEnd = Stopwatch.GetTimestamp();
            stages.Embed += stageEnd - stageStart;
            if (face.EmbeddingNorm < Facts.MinimumFaceNorm)
            {
                face.HasEmbedding = false;
                return false;
            }
        }

        face.ProbabilityReal = null;
        face.Cues = null;
        if (options.ComputeLiveness)
        {
            stageStart = stageEnd;
            face.ProbabilityReal = liveness.ProbabilityReal(frame, face.SquareBox, out var crop);
            stageEnd = Stopwatch.GetTimestamp();
            stages.Liveness += stageEnd - stageStart;
            stageStart = stageEnd;
            face.Cues = cues.Measure(frame, face.SquareBox, liveness.LastInput, crop);
            stageEnd = Stopwatch.GetTimestamp();
            stages.Cues += stageEnd - stageStart;
        }
        return true;
    }

    /// <summary>Detects in a copy of <paramref name="frame"/> with a plain border, boxes moved back to the frame's pixels.</summary>
    private void DetectInsideBorder(ReadOnlyImageSpan frame, int border)
    {
        using var framed = BgrImage.Create(frame.Width + (2 * border), frame.Height + (2 * border));
        ImageOps.CopyWithBorder(frame, framed.AsSpan(), border);
        detector.Detect(framed.AsReadOnlySpan(), detections);
        for (var index = 0; index < detections.Count; index++)
        {
            var box = detections[index].Box;
            detections[index] = detections[index] with { Box = new FaceBox(box.X1 - border, box.Y1 - border, box.X2 - border, box.Y2 - border) };
        }
    }

    /// <summary>
    /// Writes each model's current input tensor (the last analysed frame's, for its last face) to
    /// <c>&lt;directory&gt;/&lt;model&gt;.bin</c> as raw little-endian float32, so a reference runtime can be
    /// timed on exactly the data the pipeline ran: model speed depends on the values, not only the shapes.
    /// </summary>
    public IReadOnlyList<string> SaveModelInputs(string directory)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var model in new[] { detector.Model, landmarks.Model, embedder.Model, liveness.Model })
        {
            var path = Path.Combine(directory, model.Key + ".bin");
            using (var file = File.Create(path))
            {
                file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(model.Input.Span));
            }
            written.Add(path);
        }
        return written;
    }

    private long InferenceTicks => detector.InferenceTicks + landmarks.InferenceTicks + embedder.InferenceTicks + liveness.InferenceTicks;

    public void Dispose()
    {
        detector.Dispose();
        landmarks.Dispose();
        embedder.Dispose();
        liveness.Dispose();
    }

    private static T Keep<T>(T model, List<IDisposable> loaded)
        where T : IDisposable
    {
        loaded.Add(model);
        return model;
    }

    private static long ToTimeSpanTicks(long stopwatchTicks) =>
        (long)(stopwatchTicks * ((double)TimeSpan.TicksPerSecond / Stopwatch.Frequency));

    /// <summary>Stopwatch ticks per describing stage, summed over a frame's faces.</summary>
    private struct StageTicks
    {
        public long Landmarks;
        public long Align;
        public long Embed;
        public long Liveness;
        public long Cues;
    }
}
