using EdgeGate.Vision.Interop.Onnx;
using EdgeGate.Vision.Models;

namespace EdgeGate.Vision.Tests.Onnx;

public sealed class InferenceSessionTests
{
    [Theory]
    [InlineData(ModelNames.Detect)]
    [InlineData(ModelNames.Landmarks)]
    [InlineData(ModelNames.Embedding)]
    [InlineData(ModelNames.Liveness)]
    public void Metadata_matches_the_manifest(string key)
    {
        var description = ReferenceData.Catalog.Get(key);
        using var session = new InferenceSession(ReferenceData.Catalog.GetModelPath(key));

        Assert.Equal(description.Inputs.Select(input => input.Name), session.InputNames);
        Assert.Equal(description.Outputs.Select(output => output.Name), session.OutputNames);
        foreach (var (expected, metadata) in description.Inputs.Select(input => (input, session.InputMetadata[input.Name]))
                     .Concat(description.Outputs.Select(output => (output, session.OutputMetadata[output.Name]))))
        {
            Assert.Equal("float32", expected.Type);
            Assert.Equal(OnnxValueType.Tensor, metadata.ValueType);
            Assert.Equal(TensorElementType.Float, metadata.ElementType);
            Assert.Equal(expected.Shape, metadata.Shape);
        }
    }

    [Fact]
    public void Embedding_output_equals_the_onnxruntime_node_reference()
    {
        using var session = new InferenceSession(ReferenceData.Catalog.GetModelPath(ModelNames.Embedding));
        using var binding = session.CreateBinding();
        ReferenceData.Fill(binding.Input("input").Span);

        session.Run(binding);

        var difference = ReferenceData.MaxAbsoluteDifference(binding.Output("output").Span, ReferenceData.ReadOutput("fr_feature", "output"));
        Assert.True(difference <= ReferenceData.Tolerance, $"max abs difference {difference}");
    }

    [Fact]
    public void Detection_outputs_equal_the_onnxruntime_node_reference_through_both_run_overloads()
    {
        using var session = new InferenceSession(ReferenceData.Catalog.GetModelPath(ModelNames.Detect));
        using var binding = session.CreateBinding();
        ReferenceData.Fill(binding.Input("input").Span);
        session.Run(binding);

        var copied = session.Run(new Dictionary<string, (float[] Data, long[] Shape)>
        {
            ["input"] = (ReferenceData.Create(3 * 240 * 320), [1, 3, 240, 320]),
        });

        foreach (var output in new[] { "scores", "boxes" })
        {
            var reference = ReferenceData.ReadOutput("fr_detect", output);
            var bound = ReferenceData.MaxAbsoluteDifference(binding.Output(output).Span, reference);
            var viaDictionary = ReferenceData.MaxAbsoluteDifference(copied[output].Data, reference);
            Assert.True(bound <= ReferenceData.Tolerance, $"{output}: max abs difference {bound}");
            Assert.True(viaDictionary <= ReferenceData.Tolerance, $"{output} (dictionary run): max abs difference {viaDictionary}");
            Assert.Equal(session.OutputMetadata[output].Shape, copied[output].Shape);
        }
        // Scores are softmax pairs: a real detector output, not zeros.
        var scores = copied["scores"].Data;
        Assert.InRange(scores[0] + scores[1], 0.999f, 1.001f);
    }

    [Fact]
    public void Session_from_bytes_gives_the_same_output_as_from_file()
    {
        var path = ReferenceData.Catalog.GetModelPath(ModelNames.Embedding);
        using var session = new InferenceSession(File.ReadAllBytes(path));
        var outputs = session.Run(new Dictionary<string, (float[] Data, long[] Shape)>
        {
            ["input"] = (ReferenceData.Create(3 * 112 * 112), [1, 3, 112, 112]),
        });
        var difference = ReferenceData.MaxAbsoluteDifference(outputs["output"].Data, ReferenceData.ReadOutput("fr_feature", "output"));
        Assert.True(difference <= ReferenceData.Tolerance, $"max abs difference {difference}");
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

            var missingError = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(missing));
            Assert.Equal(OnnxRuntimeErrorCode.NoSuchFile, missingError.ErrorCode);
            Assert.Contains("absent.onnx", missingError.NativeMessage);

            foreach (var path in new[] { corrupt, truncated })
            {
                var error = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(path));
                Assert.NotEqual(OnnxRuntimeErrorCode.Ok, error.ErrorCode);
                Assert.False(string.IsNullOrWhiteSpace(error.NativeMessage));
                Assert.Contains(error.NativeMessage, error.Message);
            }
            Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(detector.AsSpan(0, 1000).ToArray()));
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        Embedding_output_equals_the_onnxruntime_node_reference();
    }

    [Theory]
    [InlineData("unknown name", OnnxRuntimeErrorCode.InvalidArgument, "Invalid input name: image")]
    [InlineData("extra input", OnnxRuntimeErrorCode.InvalidArgument, "Invalid input name: extra")]
    // ORT 1.30 finds a missing input only when the first kernel reads it, hence Fail rather than
    // InvalidArgument (onnxruntime pull request 32177 proposes checking it up front).
    [InlineData("missing input", OnnxRuntimeErrorCode.Fail, "Missing Input: input")]
    [InlineData("wrong rank", OnnxRuntimeErrorCode.InvalidArgument, "Invalid rank for input: input Got: 3 Expected: 4")]
    [InlineData("wrong dimension", OnnxRuntimeErrorCode.InvalidArgument, "Got invalid dimensions for input: input for the following indices\n index: 2 Got: 56 Expected: 112\n index: 3 Got: 224 Expected: 112")]
    public void A_wrong_input_name_or_shape_is_ORTs_error_and_the_session_keeps_working(string mistake, OnnxRuntimeErrorCode errorCode, string ortMessage)
    {
        using var session = new InferenceSession(ReferenceData.Catalog.GetModelPath(ModelNames.Embedding));
        var data = ReferenceData.Create(3 * 112 * 112);
        var inputs = new Dictionary<string, (float[] Data, long[] Shape)>();
        switch (mistake)
        {
            case "unknown name":
                inputs["image"] = (data, [1, 3, 112, 112]);
                break;
            case "extra input":
                inputs["input"] = (data, [1, 3, 112, 112]);
                inputs["extra"] = ([1f], [1]);
                break;
            case "missing input":
                break;
            case "wrong rank":
                inputs["input"] = (data, [3, 112, 112]);
                break;
            case "wrong dimension":
                inputs["input"] = (data, [1, 3, 56, 224]);
                break;
        }

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run(inputs));
        Assert.Equal(errorCode, error.ErrorCode);
        Assert.Contains(ortMessage, error.NativeMessage);
        Assert.Contains(error.NativeMessage, error.Message);

        AssertEmbeddingMatchesTheReference(session);
    }

    [Fact]
    public void Inputs_ORT_would_read_past_are_refused_before_ORT_is_called()
    {
        using var session = new InferenceSession(ReferenceData.Catalog.GetModelPath(ModelNames.Embedding));
        var data = ReferenceData.Create(3 * 112 * 112);

        ArgumentException Refused(string name, float[] values, long[] shape) =>
            Assert.Throws<ArgumentException>(() => session.Run(new Dictionary<string, (float[] Data, long[] Shape)> { [name] = (values, shape) }));

        Assert.Contains("100 values were given", Refused("input", data[..100], [1, 3, 112, 112]).Message);
        Assert.Contains("37633 values were given", Refused("input", [.. data, 0f], [1, 3, 112, 112]).Message);
        Assert.Contains("[1,-3,112,112]", Refused("input", data, [1, -3, 112, 112]).Message);
        // 4 * 2^62 wraps to 0 in 64 bits: an empty array must not pass for it.
        Assert.Contains("too large", Refused("input", [], [4, 1L << 62]).Message);
        Assert.Contains("needs both data and shape", Refused("input", null!, [1, 3, 112, 112]).Message);
        Assert.Contains("needs both data and shape", Refused("input", data, null!).Message);
        Assert.Contains("NUL", Refused("input\0ignored", data, [1, 3, 112, 112]).Message);

        AssertEmbeddingMatchesTheReference(session);
    }

    [Fact]
    public void A_float32_tensor_for_an_int64_input_is_ORTs_error_and_the_session_keeps_working()
    {
        using var session = new InferenceSession(TinyOnnxModels.AddInt64Offset());
        Assert.Equal(["x"], session.InputNames);
        var defaultOffset = new Dictionary<string, (float[] Data, long[] Shape)> { ["x"] = ([1f, 2f], [2]) };
        Assert.Equal([11f, 22f], session.Run(defaultOffset)["y"].Data);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run(new Dictionary<string, (float[] Data, long[] Shape)>
        {
            ["x"] = ([1f, 2f], [2]),
            ["offset"] = ([5f, 6f], [2]),
        }));
        Assert.Equal(OnnxRuntimeErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Contains("Unexpected input data type. Actual: (tensor(float)) , expected: (tensor(int64))", error.NativeMessage);

        Assert.Equal([11f, 22f], session.Run(defaultOffset)["y"].Data);
    }

    [Fact]
    public void A_binding_holds_float32_only_so_a_model_with_an_int64_input_gets_none()
    {
        using var session = new InferenceSession(TinyOnnxModels.IdentityInt64());
        Assert.Equal(TensorElementType.Int64, session.InputMetadata["x"].ElementType);
        Assert.Equal([2L], session.InputMetadata["x"].Shape);

        var error = Assert.Throws<ArgumentException>(() => session.CreateBinding());
        Assert.Contains("'x' takes Int64 tensors", error.Message);
    }

    [Fact]
    public void A_binding_shape_the_model_does_not_accept_fails_in_ORT_and_the_session_keeps_working()
    {
        using var session = new InferenceSession(ReferenceData.Catalog.GetModelPath(ModelNames.Embedding));
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

            var error = Assert.Throws<OnnxRuntimeException>(() => session.Run(wrong));
            Assert.Equal(OnnxRuntimeErrorCode.InvalidArgument, error.ErrorCode);
            Assert.Contains(ortMessage, error.NativeMessage);

            using var right = session.CreateBinding();
            ReferenceData.Fill(right.Input("input").Span);
            session.Run(right);
            var difference = ReferenceData.MaxAbsoluteDifference(right.Output("output").Span, ReferenceData.ReadOutput("fr_feature", "output"));
            Assert.True(difference <= ReferenceData.Tolerance, $"max abs difference {difference}");
        }

        // Shapes that cannot be allocated, and names the model does not have, are still refused here.
        Assert.Contains("[1,3,-1,112]", Assert.Throws<ArgumentException>(() => session.CreateBinding(new Dictionary<string, long[]> { ["input"] = [1, 3, -1, 112] })).Message);
        Assert.Contains("'image' is neither an input nor an output", Assert.Throws<ArgumentException>(() => session.CreateBinding(new Dictionary<string, long[]> { ["image"] = [1, 3, 112, 112] })).Message);
    }

    [Fact]
    public void An_error_ORT_reports_during_a_run_is_an_OnnxRuntimeException_and_the_session_keeps_working()
    {
        using var session = new InferenceSession(TinyOnnxModels.AddOpenDimensions());
        Assert.Equal([-1L], session.InputMetadata["a"].Shape);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run(new Dictionary<string, (float[] Data, long[] Shape)>
        {
            ["a"] = ([1f, 2f], [2]),
            ["b"] = ([10f, 20f, 30f], [3]),
        }));
        Assert.NotEqual(OnnxRuntimeErrorCode.Ok, error.ErrorCode);
        Assert.Contains("broadcast", error.NativeMessage, StringComparison.OrdinalIgnoreCase);

        var sum = session.Run(new Dictionary<string, (float[] Data, long[] Shape)>
        {
            ["a"] = ([1f, 2f, 3f], [3]),
            ["b"] = ([10f, 20f, 30f], [3]),
        });
        Assert.Equal([11f, 22f, 33f], sum["c"].Data);
        Assert.Equal([3L], sum["c"].Shape);

        Assert.Throws<ArgumentException>(() => session.CreateBinding());
        using var binding = session.CreateBinding(new Dictionary<string, long[]> { ["a"] = [2], ["b"] = [1], ["c"] = [2] });
        binding.Input("a").Span[0] = 1;
        binding.Input("a").Span[1] = 2;
        binding.Input("b").Span[0] = 0.5f;
        session.Run(binding);
        Assert.Equal([1.5f, 2.5f], binding.Output("c").Span.ToArray());
    }

    [Fact]
    public void Disposed_session_and_binding_refuse_to_run()
    {
        var session = new InferenceSession(ReferenceData.Catalog.GetModelPath(ModelNames.Landmarks));
        var binding = session.CreateBinding();
        session.Run(binding);
        binding.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.Run(binding));
        using var second = session.CreateBinding();
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.Run(second));
    }

    /// <summary>A correct dictionary run on the embedding model gives the onnxruntime-node reference.</summary>
    private static void AssertEmbeddingMatchesTheReference(InferenceSession session)
    {
        var outputs = session.Run(new Dictionary<string, (float[] Data, long[] Shape)>
        {
            ["input"] = (ReferenceData.Create(3 * 112 * 112), [1, 3, 112, 112]),
        });
        var difference = ReferenceData.MaxAbsoluteDifference(outputs["output"].Data, ReferenceData.ReadOutput("fr_feature", "output"));
        Assert.True(difference <= ReferenceData.Tolerance, $"max abs difference {difference}");
    }
}
