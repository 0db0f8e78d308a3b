using EdgeGate.Imaging.Interop.OpenCv;

namespace EdgeGate.Vision.Tests.OpenCv;

public sealed class OpenCvLibraryTests
{
    [Fact]
    public void Loaded_shim_has_the_expected_abi_and_reports_opencv_4()
    {
        Assert.Equal(OpenCvLibrary.ExpectedAbiVersion, OpenCvLibrary.AbiVersion);
        Assert.StartsWith("4.", OpenCvLibrary.OpenCvVersion, StringComparison.Ordinal);
        Assert.True(File.Exists(OpenCvLibrary.LibraryPath), OpenCvLibrary.LibraryPath);
    }
}
