using EdgeGate.Vision.Inference;
using EdgeGate.Vision.Models;
using Microsoft.ML.OnnxRuntime;

namespace EdgeGate.Vision.Tests.Inference;

public sealed class RuntimeAndOptionsTests
{
    [Fact]
    public void The_runtime_is_ONNX_Runtime_1_32_from_the_package_beside_the_tests()
    {
        Assert.Equal("1.32.0", OnnxRuntimeEnvironment.Version);
        var library = OnnxRuntimeEnvironment.NativeLibraryPath;
        Assert.NotNull(library);
        Assert.Equal("libonnxruntime.so", Path.GetFileName(library));
        Assert.True(File.Exists(library), library);
        Assert.StartsWith(AppContext.BaseDirectory, library, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    public void Negative_or_zero_thread_counts_are_rejected(int threads)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new InferenceOptions { IntraOpThreads = threads });
        Assert.Equal(nameof(InferenceOptions.IntraOpThreads), error.ParamName);
        Assert.Equal(1, new InferenceOptions().IntraOpThreads);
    }

    [Fact]
    public void Options_reach_the_packages_session_options()
    {
        var settings = new InferenceOptions
        {
            IntraOpThreads = 2,
            AllowSpinning = true,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC,
        };
        using (var options = settings.CreateSessionOptions())
        {
            Assert.Equal(2, options.IntraOpNumThreads);
            Assert.Equal(1, options.InterOpNumThreads);
            Assert.Equal(ExecutionMode.ORT_SEQUENTIAL, options.ExecutionMode);
            Assert.Equal(GraphOptimizationLevel.ORT_ENABLE_BASIC, options.GraphOptimizationLevel);
        }
        using (var defaults = new InferenceOptions().CreateSessionOptions())
        {
            Assert.Equal(1, defaults.IntraOpNumThreads);
            Assert.Equal(GraphOptimizationLevel.ORT_ENABLE_ALL, defaults.GraphOptimizationLevel);
        }
    }

    [Fact]
    public void Two_intra_op_threads_with_or_without_spinning_give_the_reference_embedding()
    {
        foreach (var allowSpinning in new[] { false, true })
        {
            using var session = new InferenceOptions { IntraOpThreads = 2, AllowSpinning = allowSpinning }
                .CreateSession(ReferenceData.Catalog.GetModelPath(ModelNames.Embedding));
            using var binding = session.CreateBinding();
            ReferenceData.Fill(binding.Input("input").Span);
            binding.Run();
            var difference = ReferenceData.MaxAbsoluteDifference(binding.Output("output").Span, ReferenceData.ReadOutput("fr_feature", "output"));
            Assert.True(difference <= ReferenceData.Tolerance, $"spinning {allowSpinning}: max abs difference {difference}");
        }
    }
}
