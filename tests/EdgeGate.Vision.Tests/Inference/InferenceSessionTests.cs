using EdgeGate.Vision.Inference;
using EdgeGate.Vision.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeGate.Vision.Tests.Inference;

/// <summary>
/// Models loaded through <see cref="InferenceOptions.CreateSession(string)"/> and run through
/// <see cref="TensorBinding"/>: outputs equal the onnxruntime-node reference, and whatever ORT refuses
/// reaches the caller as the package's <see cref="OnnxRuntimeException"/> with ORT's code and message,
/// leaving the session usable.
/// </summary>
public sealed class InferenceSessionTests
{
    private static readonly InferenceOptions Options = new();

    [Theory]
    [InlineData(ModelNames.Detect)]
    [InlineData(ModelNames.Landmarks)]
    [InlineData(ModelNames.Embedding)]
    [InlineData(ModelNames.Liveness)]
    public void Metadata_matches_the_manifest(string key)
    {
        var description = ReferenceData.Catalog.Get(key);
        using var session = Options.CreateSession(ReferenceData.Catalog.GetModelPath(key));

        Assert.Equal(description.Inputs.Select(input => input.Name), session.InputNames);
        Assert.Equal(description.Outputs.Select(output => output.Name), session.OutputNames);
        foreach (var (expected, metadata) in description.Inputs.Select(input => (input, session.InputMetadata[input.Name]))
                     .Concat(description.Outputs.Select(output => (output, session.OutputMetadata[output.Name]))))
        {
            Assert.Equal("float32", expected.Type);
            Assert.True(metadata.IsTensor);
            Assert.Equal(TensorElementType.Float, metadata.ElementDataType);
            Assert.Equal(expected.Shape, metadata.Dimensions.Select(dimension => (long)dimension));
        }
    }

    [Fact]
    public void Embedding_output_equals_the_onnxruntime_node_reference()
    {
        using var session = Options.CreateSession(ReferenceData.Catalog.GetModelPath(ModelNames.Embedding));
        AssertEmbeddingMatchesTheReference(session);
    }

    [Fact]
    public void Detection_outputs_equal_the_onnxruntime_node_reference()
    {
        using var session = Options.CreateSession(ReferenceData.Catalog.GetModelPath(ModelNames.Detect));
        using var binding = session.CreateBinding();
        ReferenceData.Fill(binding.Input("input").Span);
        binding.Run();

        foreach (var output in new[] { "scores", "boxes" })
        {
            var difference = ReferenceData.MaxAbsoluteDifference(binding.Output(output).Span, ReferenceData.ReadOutput("fr_detect", output));
            Assert.True(difference <= ReferenceData.Tolerance, $"{output}: max abs difference {difference}");
            Assert.Equal(session.OutputMetadata[output].Dimensions.Select(dimension => (long)dimension), binding.Output(output).Shape);
        }
        // Scores are softmax pairs: a real detector output, not zeros.
        var scores = binding.Output("scores").Span;
        Assert.InRange(scores[0] + scores[1], 0.999f, 1.001f);
    }

    [Fact]
    public void Session_from_bytes_gives_the_same_output_as_from_file()
    {
        var path = ReferenceData.Catalog.GetModelPath(ModelNames.Embedding);
        using var session = Options.CreateSession(File.ReadAllBytes(path));
        Assert.StartsWith("<", session.Description, StringComparison.Ordinal);
        AssertEmbeddingMatchesTheReference(session);
    }

    [Fact]
    public void Missing_corrupt_and_truncated_model_files_raise_ORT_errors_and_a_good_session_still_runs()
    {
        var directory = Directory.CreateTempSubdirectory("edgegate-onnx-");
        try
        {
            var missing = Path.Combine(directory.FullName, "absent.onnx");
            var corrupt = Path.Combine(directory.FullName, "corrupt.onnx");
            var truncated = Path.Combine(directory.FullName, "truncated.onnx");
            var random = new Random(7);
            var garbage = new byte[4096];
            random.NextBytes(garbage);
            File.WriteAllBytes(corrupt, garbage);
            var detector = File.ReadAllBytes(ReferenceData.Catalog.GetModelPath(ModelNames.Detect));
            File.WriteAllBytes(truncated, detector.AsSpan(0, detector.Length / 2).ToArray());

            var missingError = Assert.Throws<OnnxRuntimeException>(() => Options.CreateSession(missing));
            Assert.StartsWith("[ErrorCode:NoSuchFile]", missingError.Message, StringComparison.Ordinal);
            Assert.Contains("absent.onnx", missingError.Message, StringComparison.Ordinal);

            foreach (var path in new[] { corrupt, truncated })
            {
                var error = Assert.Throws<OnnxRuntimeException>(() => Options.CreateSession(path));
                Assert.StartsWith("[ErrorCode:", error.Message, StringComparison.Ordinal);
                Assert.DoesNotContain("[ErrorCode:Ok]", error.Message, StringComparison.Ordinal);
                Assert.True(error.Message.Length > "[ErrorCode:Fail] ".Length, error.Message);
            }
            Assert.Throws<OnnxRuntimeException>(() => Options.CreateSession(detector.AsSpan(0, 1000).ToArray()));
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        Embedding_output_equals_the_onnxruntime_node_reference();
    }

    [Theory]
    [InlineData("unknown name", "[ErrorCode:InvalidArgument] Input name: 'image' is not in the metadata")]
    [InlineData("extra input", "[ErrorCode:InvalidArgument] Input name: 'extra' is not in the metadata")]
    // ORT finds a missing input only when the first kernel reads it, hence Fail rather than InvalidArgument.
    [InlineData("missing input", "Missing Input: input")]
    [InlineData("wrong rank", "[ErrorCode:InvalidArgument] Invalid rank for input: input Got: 3 Expected: 4")]
    [InlineData("wrong dimension", "[ErrorCode:InvalidArgument] Got invalid dimensions for input: input for the following indices\n index: 2 Got: 56 Expected: 112\n index: 3 Got: 224 Expected: 112")]
    public void A_wrong_input_name_or_shape_is_ORTs_error_and_the_session_keeps_working(string mistake, string ortMessage)
    {
        // The package's own Run (names and values given per call) on a session made by us: the path a
        // tool would take. The binding always binds the model's own names.
        using var session = Options.CreateSession(ReferenceData.Catalog.GetModelPath(ModelNames.Embedding));
        var data = ReferenceData.Create(3 * 112 * 112);
        var inputs = new Dictionary<string, OrtValue>();
        try
        {
            switch (mistake)
            {
                case "unknown name":
                    inputs["image"] = OrtValue.CreateTensorValueFromMemory(data, [1, 3, 112, 112]);
                    break;
                case "extra input":
                    inputs["input"] = OrtValue.CreateTensorValueFromMemory(data, [1, 3, 112, 112]);
                    inputs["extra"] = OrtValue.CreateTensorValueFromMemory([1f], [1]);
                    break;
                case "missing input":
                    break;
                case "wrong rank":
                    inputs["input"] = OrtValue.CreateTensorValueFromMemory(data, [3, 112, 112]);
                    break;
                case "wrong dimension":
                    inputs["input"] = OrtValue.CreateTensorValueFromMemory(data, [1, 3, 56, 224]);
                    break;
            }
            using var runOptions = new RunOptions();

            var error = Assert.Throws<OnnxRuntimeException>(() => session.Session.Run(runOptions, inputs, session.OutputNames).Dispose());

            Assert.Contains(ortMessage, error.Message, StringComparison.Ordinal);
            Assert.StartsWith(mistake == "missing input" ? "[ErrorCode:Fail]" : "[ErrorCode:InvalidArgument]", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var value in inputs.Values)
            {
                value.Dispose();
            }
        }

        AssertEmbeddingMatchesTheReference(session);
    }

    [Fact]
    public void Shapes_that_would_let_ORT_read_past_a_buffer_are_refused_before_ORT_runs()
    {
        using var session = Options.CreateSession(ReferenceData.Catalog.GetModelPath(ModelNames.Embedding));

        ArgumentException Refused(long[] shape) =>
            Assert.Throws<ArgumentException>(() => session.CreateBinding(new Dictionary<string, long[]> { ["input"] = shape }));

        Assert.Contains("[1,-3,112,112]", Refused([1, -3, 112, 112]).Message, StringComparison.Ordinal);
        // 4 * 2^62 wraps to 0 in 64 bits: an empty buffer must not pass for it.
        Assert.Contains("too large", Refused([4, 1L << 62]).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => session.CreateBinding(new Dictionary<string, long[]> { ["input"] = null! }));
        // The package makes the same check for a buffer shorter than its shape.
        var shortBuffer = Assert.Throws<OnnxRuntimeException>(() => OrtValue.CreateTensorValueFromMemory(new float[100], [1, 3, 112, 112]));
        Assert.Contains("less than shape size", shortBuffer.Message, StringComparison.Ordinal);

        AssertEmbeddingMatchesTheReference(session);
    }

    [Fact]
    public void A_float32_tensor_for_an_int64_input_is_ORTs_error_and_the_session_keeps_working()
    {
        using var session = Options.CreateSession(TinyOnnxModels.AddInt64Offset());
        Assert.Equal(["x"], session.InputNames);
        using var binding = session.CreateBinding();
        binding.Input("x").Span[0] = 1f;
        binding.Input("x").Span[1] = 2f;
        binding.Run();
        Assert.Equal([11f, 22f], binding.Output("y").Span.ToArray());

        using var x = OrtValue.CreateTensorValueFromMemory([1f, 2f], [2]);
        using var offset = OrtValue.CreateTensorValueFromMemory([5f, 6f], [2]);
        using var runOptions = new RunOptions();
        var error = Assert.Throws<OnnxRuntimeException>(() => session.Session.Run(runOptions, new Dictionary<string, OrtValue>
        {
            ["x"] = x,
            ["offset"] = offset,
        }, session.OutputNames).Dispose());
        Assert.StartsWith("[ErrorCode:InvalidArgument]", error.Message, StringComparison.Ordinal);
        Assert.Contains("Unexpected input data type. Actual: (tensor(float)) , expected: (tensor(int64))", error.Message, StringComparison.Ordinal);

        binding.Output("y").Span.Clear();
        binding.Run();
        Assert.Equal([11f, 22f], binding.Output("y").Span.ToArray());
    }

    [Fact]
    public void A_binding_holds_float32_only_so_a_model_with_an_int64_input_gets_none()
    {
        using var session = Options.CreateSession(TinyOnnxModels.IdentityInt64());
        Assert.Equal(TensorElementType.Int64, session.InputMetadata["x"].ElementDataType);
        Assert.Equal([2], session.InputMetadata["x"].Dimensions);

        var error = Assert.Throws<ArgumentException>(() => session.CreateBinding());
        Assert.Contains("'x' takes Int64 tensors", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_binding_shape_the_model_does_not_accept_fails_in_ORT_and_the_session_keeps_working()
    {
        using var session = Options.CreateSession(ReferenceData.Catalog.GetModelPath(ModelNames.Embedding));
        var cases = new (string Name, long[] Shape, string OrtMessage)[]
        {
            ("input", [1, 3, 64, 64], "Got invalid dimensions for input: input for the following indices\n index: 2 Got: 64 Expected: 112\n index: 3 Got: 64 Expected: 112"),
            ("input", [3, 112, 112], "Invalid rank for input: input Got: 3 Expected: 4"),
            ("output", [1, 256], "Got invalid dimensions for output: output for the following indices\n index: 1 Got: 256 Expected: 512"),
        };
        foreach (var (name, shape, ortMessage) in cases)
        {
            using var wrong = session.CreateBinding(new Dictionary<string, long[]> { [name] = shape });
            Assert.Equal(shape, name == "input" ? wrong.Input(name).Shape : wrong.Output(name).Shape);
            ReferenceData.Fill(wrong.Input("input").Span);

            var error = Assert.Throws<OnnxRuntimeException>(wrong.Run);
            Assert.StartsWith("[ErrorCode:InvalidArgument]", error.Message, StringComparison.Ordinal);
            Assert.Contains(ortMessage, error.Message, StringComparison.Ordinal);

            AssertEmbeddingMatchesTheReference(session);
        }

        // Names the model does not have are refused here.
        Assert.Contains("'image' is neither an input nor an output", Assert.Throws<ArgumentException>(() => session.CreateBinding(new Dictionary<string, long[]> { ["image"] = [1, 3, 112, 112] })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_error_ORT_reports_during_a_run_is_an_OnnxRuntimeException_and_the_session_keeps_working()
    {
        using var session = Options.CreateSession(TinyOnnxModels.AddOpenDimensions());
        Assert.Equal([-1], session.InputMetadata["a"].Dimensions);
        Assert.Contains("open dimensions", Assert.Throws<ArgumentException>(() => session.CreateBinding()).Message, StringComparison.Ordinal);

        using var mismatched = session.CreateBinding(new Dictionary<string, long[]> { ["a"] = [2], ["b"] = [3], ["c"] = [3] });
        var error = Assert.Throws<OnnxRuntimeException>(mismatched.Run);
        Assert.StartsWith("[ErrorCode:", error.Message, StringComparison.Ordinal);
        Assert.Contains("broadcast", error.Message, StringComparison.OrdinalIgnoreCase);

        using var binding = session.CreateBinding(new Dictionary<string, long[]> { ["a"] = [2], ["b"] = [1], ["c"] = [2] });
        binding.Input("a").Span[0] = 1;
        binding.Input("a").Span[1] = 2;
        binding.Input("b").Span[0] = 0.5f;
        binding.Run();
        Assert.Equal([1.5f, 2.5f], binding.Output("c").Span.ToArray());
    }

    [Fact]
    public void Disposed_session_and_binding_refuse_to_run_and_a_binding_outlives_its_session_safely()
    {
        var session = Options.CreateSession(ReferenceData.Catalog.GetModelPath(ModelNames.Landmarks));
        var binding = session.CreateBinding();
        binding.Run();
        binding.Dispose();
        Assert.Throws<ObjectDisposedException>(binding.Run);

        var second = session.CreateBinding();
        session.Dispose();
        // The package's session would be used after release here (the process crashes); ours refuses.
        Assert.Throws<ObjectDisposedException>(second.Run);
        Assert.Throws<ObjectDisposedException>(() => session.CreateBinding());
        second.Dispose();
        session.Dispose();
    }

    /// <summary>A fresh binding on <paramref name="session"/> gives the onnxruntime-node reference embedding.</summary>
    private static void AssertEmbeddingMatchesTheReference(ModelSession session)
    {
        using var binding = session.CreateBinding();
        ReferenceData.Fill(binding.Input("input").Span);
        binding.Run();
        var difference = ReferenceData.MaxAbsoluteDifference(binding.Output("output").Span, ReferenceData.ReadOutput("fr_feature", "output"));
        Assert.True(difference <= ReferenceData.Tolerance, $"max abs difference {difference}");
    }
}
