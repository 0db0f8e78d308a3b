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

    [Fact]
    public void Wrong_input_name_shape_or_count_is_rejected_clearly_and_the_session_keeps_working()
    {
        using var session = new InferenceSession(ReferenceData.Catalog.GetModelPath(ModelNames.Embedding));
        var data = ReferenceData.Create(3 * 112 * 112);

        var wrongName = Assert.Throws<ArgumentException>(() => session.Run(new Dictionary<string, (float[] Data, long[] Shape)>
        {
            ["image"] = (data, [1, 3, 112, 112]),
        }));
        Assert.Contains("'image' is not an input", wrongName.Message);
        Assert.Contains("input", wrongName.Message);

        var wrongShape = Assert.Throws<ArgumentException>(() => session.Run(new Dictionary<string, (float[] Data, long[] Shape)>
        {
            ["input"] = (data, [1, 3, 112, 111]),
        }));
        Assert.Contains("[1,3,112,112]", wrongShape.Message);
        Assert.Contains("[1,3,112,111]", wrongShape.Message);

        var wrongLength = Assert.Throws<ArgumentException>(() => session.Run(new Dictionary<string, (float[] Data, long[] Shape)>
        {
            ["input"] = (data[..100], [1, 3, 112, 112]),
        }));
        Assert.Contains("100 values", wrongLength.Message);

        var missing = Assert.Throws<ArgumentException>(() => session.Run(new Dictionary<string, (float[] Data, long[] Shape)>()));
        Assert.Contains("'input' is missing", missing.Message);

        var wrongBindingShape = Assert.Throws<ArgumentException>(() => session.CreateBinding(new Dictionary<string, long[]> { ["input"] = [1, 3, 64, 64] }));
        Assert.Contains("[1,3,64,64]", wrongBindingShape.Message);

        var outputs = session.Run(new Dictionary<string, (float[] Data, long[] Shape)> { ["input"] = (data, [1, 3, 112, 112]) });
        var difference = ReferenceData.MaxAbsoluteDifference(outputs["output"].Data, ReferenceData.ReadOutput("fr_feature", "output"));
        Assert.True(difference <= ReferenceData.Tolerance, $"max abs difference {difference}");
    }

    [Fact]
    public void Wrong_element_type_is_rejected_before_ORT_sees_it()
    {
        using var session = new InferenceSession(TinyOnnxModels.IdentityInt64());
        Assert.Equal(TensorElementType.Int64, session.InputMetadata["x"].ElementType);
        Assert.Equal([2L], session.InputMetadata["x"].Shape);

        var error = Assert.Throws<ArgumentException>(() => session.Run(new Dictionary<string, (float[] Data, long[] Shape)>
        {
            ["x"] = ([1f, 2f], [2]),
        }));
        Assert.Contains("'x' takes Int64 tensors", error.Message);
        Assert.Throws<ArgumentException>(() => session.CreateBinding());
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
}
