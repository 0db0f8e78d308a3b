namespace EdgeGate.Imaging.Interop.OpenCv;

/// <summary>
/// A failure reported by the OpenCV shim (<c>libedgegate_cv.so</c>), or the shim could not be loaded.
/// The message is the shim's own (thread-local last error), which names the function and the cause.
/// </summary>
public sealed class OpenCvException : Exception
{
    public OpenCvException(string message)
        : base(message)
    {
    }

    public OpenCvException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal OpenCvException(OpenCvStatus status, string nativeMessage)
        : base(string.IsNullOrEmpty(nativeMessage) ? $"OpenCV shim call failed with status {status}" : nativeMessage)
    {
        Status = status;
    }

    /// <summary>The shim's status code; <see cref="OpenCvStatus.Error"/> when the library could not be loaded.</summary>
    public OpenCvStatus Status { get; } = OpenCvStatus.Error;
}

/// <summary>Status codes of the shim (<c>egcv_status</c>).</summary>
public enum OpenCvStatus
{
    Ok = 0,
    Error = 1,
    InvalidArgument = 2,
    BufferTooSmall = 3,
}
