namespace EdgeGate.Vision.Interop.Onnx;

/// <summary>ORT's error codes (OrtErrorCode), plus one code of our own for a library that cannot be loaded.</summary>
public enum OnnxRuntimeErrorCode
{
    /// <summary>Not an ORT code: the native library could not be found, loaded or bound.</summary>
    LibraryLoadFailed = -1,
    Ok = 0,
    Fail = 1,
    InvalidArgument = 2,
    NoSuchFile = 3,
    NoModel = 4,
    EngineError = 5,
    RuntimeException = 6,
    InvalidProtobuf = 7,
    ModelLoaded = 8,
    NotImplemented = 9,
    InvalidGraph = 10,
    ExecutionProviderFail = 11,
    ModelLoadCanceled = 12,
    ModelRequiresCompilation = 13,
    NotFound = 14,
}

/// <summary>An error reported by ONNX Runtime, carrying its error code and its own message.</summary>
public sealed class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException(OnnxRuntimeErrorCode errorCode, string message)
        : base(FormatMessage(errorCode, message))
    {
        ErrorCode = errorCode;
        NativeMessage = message;
    }

    public OnnxRuntimeException(OnnxRuntimeErrorCode errorCode, string message, Exception innerException)
        : base(FormatMessage(errorCode, message), innerException)
    {
        ErrorCode = errorCode;
        NativeMessage = message;
    }

    /// <summary>ORT's error code.</summary>
    public OnnxRuntimeErrorCode ErrorCode { get; }

    /// <summary>The message exactly as ORT (or the library loader) gave it.</summary>
    public string NativeMessage { get; }

    private static string FormatMessage(OnnxRuntimeErrorCode errorCode, string message) =>
        $"[ONNX Runtime {errorCode}] {message}";
}
