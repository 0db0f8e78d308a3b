using EdgeGate.Capture;

namespace EdgeGate.Vision.Tests.Capture;

public sealed class CameraUrlTests
{
    [Theory]
    [InlineData("rtsp://admin:s3cret@10.0.0.5:554/stream1", "rtsp://admin:***@10.0.0.5:554/stream1")]
    [InlineData("rtsp://admin:p@ss@10.0.0.5/x?y=1", "rtsp://admin:***@10.0.0.5/x?y=1")]
    [InlineData("rtsp://admin@10.0.0.5/stream1", "rtsp://admin@10.0.0.5/stream1")]
    [InlineData("rtsp://10.0.0.5/a@b", "rtsp://10.0.0.5/a@b")]
    [InlineData("/var/video/test.mp4", "/var/video/test.mp4")]
    public void Redacts_only_the_password(string url, string expected) => Assert.Equal(expected, CameraUrl.Redact(url));

    [Fact]
    public void Redacts_the_password_anywhere_in_a_message()
    {
        const string url = "rtsp://admin:pa%24%24word@10.0.0.5/stream";
        var message = $"open failed for {url} (password pa$$word rejected)";
        var redacted = CameraUrl.RedactIn(message, url);
        Assert.DoesNotContain("pa%24%24word", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("pa$$word", redacted, StringComparison.Ordinal);
        Assert.Contains("rtsp://admin:***@10.0.0.5/stream", redacted, StringComparison.Ordinal);
    }
}
