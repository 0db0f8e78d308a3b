using EdgeGate.Vision.Interop.Onnx;

namespace EdgeGate.Vision.Tests.Onnx;

public sealed class RuntimeAndOptionsTests
{
    [Fact]
    public void The_library_beside_the_tests_is_ONNX_Runtime_1_30()
    {
        var runtime = OnnxRuntime.Load();
        Assert.Equal("1.30.0", runtime.Version);
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, OnnxRuntime.LibraryFileName), runtime.LibraryPath);
        Assert.Contains("git-commit-id", runtime.BuildInfo, StringComparison.OrdinalIgnoreCase);
        Assert.Same(runtime, OnnxRuntime.Load());
    }

    [Fact]
    public void A_wrong_library_path_gives_an_exception_naming_the_path()
    {
        var absent = Path.Combine(Path.GetTempPath(), "edgegate-no-such-dir", "libonnxruntime.so.1");
        var error = Assert.Throws<OnnxRuntimeException>(() => OnnxRuntime.Load(absent));
        Assert.Equal(OnnxRuntimeErrorCode.LibraryLoadFailed, error.ErrorCode);
        Assert.Contains(absent, error.Message);
        Assert.Contains("configured path", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_library_gives_an_exception_naming_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"edgegate-not-a-library-{Guid.NewGuid():N}.so");
        File.WriteAllText(path, "not an ELF file");
        try
        {
            var direct = Assert.Throws<OnnxRuntimeException>(() => NativeMethods.ProbeLibrary(path));
            Assert.Equal(OnnxRuntimeErrorCode.LibraryLoadFailed, direct.ErrorCode);
            Assert.Contains(path, direct.Message);

            OnnxRuntime.Load();
            var afterLoad = Assert.Throws<OnnxRuntimeException>(() => OnnxRuntime.Load(path));
            Assert.Contains(path, afterLoad.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_library_that_is_not_ONNX_Runtime_is_refused()
    {
        var libc = new[] { "/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6" }.First(File.Exists);
        var error = Assert.Throws<OnnxRuntimeException>(() => NativeMethods.ProbeLibrary(libc));
        Assert.Contains("OrtGetApiBase", error.Message);
        Assert.Contains(libc, error.Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    public void Negative_or_zero_thread_counts_are_rejected(int threads)
    {
        var options = new SessionOptions();
        var intra = Assert.Throws<ArgumentOutOfRangeException>(() => options.IntraOpNumThreads = threads);
        Assert.Equal(nameof(SessionOptions.IntraOpNumThreads), intra.ParamName);
        var inter = Assert.Throws<ArgumentOutOfRangeException>(() => options.InterOpNumThreads = threads);
        Assert.Equal(nameof(SessionOptions.InterOpNumThreads), inter.ParamName);
        Assert.Equal(1, options.IntraOpNumThreads);
        Assert.Equal(1, options.InterOpNumThreads);
    }

    [Fact]
    public void Options_reach_ORT_and_a_bad_config_entry_is_ORTs_error()
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = 2,
            GraphOptimizationLevel = GraphOptimizationLevel.Basic,
            AllowSpinning = false,
        };
        using (var session = new InferenceSession(ReferenceData.Catalog.GetModelPath(Models.ModelNames.Landmarks), options))
        {
            Assert.Same(options, session.Options);
        }

        // Config entries reach ORT: told the file is in ORT's own format, it fails to read an .onnx file.
        var bad = new SessionOptions().AddConfigEntry("session.load_model_format", "ORT");
        var error = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(ReferenceData.Catalog.GetModelPath(Models.ModelNames.Landmarks), bad));
        Assert.False(string.IsNullOrWhiteSpace(error.NativeMessage));
    }
}
