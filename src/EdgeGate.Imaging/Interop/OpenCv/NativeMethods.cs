using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace EdgeGate.Imaging.Interop.OpenCv;

/// <summary>
/// P/Invoke surface of <c>libedgegate_cv.so</c> (src/native/edgegate_cv). The raw imports are private;
/// the internal wrappers load the library once (checking its ABI version), pass buffers with their
/// lengths and turn every non-zero status into an <see cref="OpenCvException"/> with the shim's message.
/// </summary>
internal static partial class NativeMethods
{
    /// <summary>Must equal EGCV_ABI_VERSION in include/edgegate_cv.h.</summary>
    internal const int ExpectedAbiVersion = 5;

    internal const string LibraryFileName = "libedgegate_cv.so";

    internal const string LibraryPathVariable = "EDGEGATE_CV_LIB";

    // A logical name the runtime's default probing cannot find, so that resolution always comes to
    // OnResolvingUnmanagedDll and follows our order (EDGEGATE_CV_LIB, then the application folder).
    // An event rather than SetDllImportResolver: the assembly allows one resolver, which other
    // bindings in this assembly may want.
    private const string LibraryName = "edgegate_cv.managed-resolution";

    private static readonly Lock LoadLock = new();
    private static volatile bool loaded;
    private static IntPtr libraryHandle;
    private static bool resolverRegistered;

    internal static string ResolveLibraryPath()
    {
        var configured = Environment.GetEnvironmentVariable(LibraryPathVariable);
        return string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(AppContext.BaseDirectory, LibraryFileName)
            : Path.GetFullPath(configured);
    }

    /// <summary>Loads the shim once and checks its ABI version.</summary>
    internal static void EnsureLoaded()
    {
        if (loaded)
        {
            return;
        }
        lock (LoadLock)
        {
            if (loaded)
            {
                return;
            }
            var path = ResolveLibraryPath();
            if (!File.Exists(path))
            {
                var origin = string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(LibraryPathVariable))
                    ? "the application folder"
                    : $"{LibraryPathVariable}";
                throw new OpenCvException(
                    $"the OpenCV shim {LibraryFileName} was not found at {path} (from {origin}): " +
                    $"build it with './build.sh build' or set {LibraryPathVariable} to its path");
            }
            IntPtr handle;
            try
            {
                handle = NativeLibrary.Load(path);
            }
            catch (DllNotFoundException exception)
            {
                throw new OpenCvException(
                    $"the OpenCV shim at {path} could not be loaded (are the OpenCV 4.6 runtime libraries installed?): {exception.Message}",
                    exception);
            }
            if (!NativeLibrary.TryGetExport(handle, "egcv_abi_version", out _))
            {
                throw new OpenCvException($"{path} is not the EdgeGate OpenCV shim (no egcv_abi_version export)");
            }
            libraryHandle = handle;
            if (!resolverRegistered)
            {
                AssemblyLoadContext.Default.ResolvingUnmanagedDll += OnResolvingUnmanagedDll;
                resolverRegistered = true;
            }
            var version = egcv_abi_version();
            if (version != ExpectedAbiVersion)
            {
                throw new OpenCvException(
                    $"the OpenCV shim at {path} has ABI version {version}, this build expects {ExpectedAbiVersion}: " +
                    "rebuild it with './build.sh build'");
            }
            loaded = true;
        }
    }

    private static IntPtr OnResolvingUnmanagedDll(Assembly assembly, string name) =>
        name == LibraryName && assembly == typeof(NativeMethods).Assembly ? libraryHandle : IntPtr.Zero;

    internal static int AbiVersion() => egcv_abi_version();

    internal static string OpenCvVersion() => Marshal.PtrToStringUTF8(egcv_opencv_version()) ?? string.Empty;

    private static void Check(int status)
    {
        if (status != (int)OpenCvStatus.Ok)
        {
            throw LastError(status);
        }
    }

    private static OpenCvException LastError(int status) =>
        new((OpenCvStatus)status, Marshal.PtrToStringUTF8(egcv_last_error()) ?? string.Empty);

    // ---- images ----

    /// <param name="reduction">1, 2, 4 or 8: the image is decoded at that fraction of its size.</param>
    internal static SafeImageHandle DecodeImage(ReadOnlySpan<byte> data, int reduction, out int width, out int height)
    {
        EnsureLoaded();
        var status = egcv_image_decode_reduced(data, data.Length, reduction, out var image, out width, out height, out _);
        if (status != (int)OpenCvStatus.Ok)
        {
            image.Dispose();
            throw LastError(status);
        }
        return image;
    }

    internal static void CopyImage(SafeImageHandle image, ImageSpan destination)
    {
        Check(egcv_image_copy_to(image, destination.Data, destination.Data.Length, destination.Stride));
    }

    internal static byte[] EncodeImage(ReadOnlyImageSpan source, int format, int quality)
    {
        EnsureLoaded();
        Check(egcv_image_encode(
            source.Data, source.Data.Length, source.Width, source.Height, source.Stride, source.Channels,
            format, quality, out var encoded, out var length));
        try
        {
            var bytes = GC.AllocateUninitializedArray<byte>(checked((int)length));
            Marshal.Copy(encoded, bytes, 0, bytes.Length);
            return bytes;
        }
        finally
        {
            egcv_free(encoded);
        }
    }

    internal static void Resize(ReadOnlyImageSpan source, ImageSpan destination, int interpolation)
    {
        EnsureLoaded();
        Check(egcv_resize(
            source.Data, source.Data.Length, source.Width, source.Height, source.Stride, source.Channels,
            destination.Data, destination.Data.Length, destination.Width, destination.Height, destination.Stride,
            interpolation));
    }

    internal static void ConvertColor(ReadOnlyImageSpan source, ImageSpan destination, int code)
    {
        EnsureLoaded();
        Check(egcv_cvt_color(
            source.Data, source.Data.Length, source.Width, source.Height, source.Stride, source.Channels,
            destination.Data, destination.Data.Length, destination.Stride, destination.Channels, code));
    }

    internal static void WarpAffine(ReadOnlyImageSpan source, ImageSpan destination, ReadOnlySpan<double> matrix)
    {
        EnsureLoaded();
        Check(egcv_warp_affine(
            source.Data, source.Data.Length, source.Width, source.Height, source.Stride, source.Channels,
            destination.Data, destination.Data.Length, destination.Width, destination.Height, destination.Stride,
            matrix));
    }

    internal static void ReleaseImage(IntPtr image) => egcv_image_release(image);

    // ---- video coding ----

    /// <summary>egcv_h264_round_trip: the last of <paramref name="count"/> BGR frames through H.264; returns the stream's size in bytes.</summary>
    internal static long H264RoundTrip(
        ReadOnlySpan<byte> frames, int count, int width, int height, int stride,
        int frameRate, int bitRate, int keyInterval, int colourMatrix, ImageSpan destination)
    {
        EnsureLoaded();
        Check(egcv_h264_round_trip(
            frames, frames.Length, count, width, height, stride, frameRate, bitRate, keyInterval, colourMatrix,
            destination.Data, destination.Data.Length, destination.Stride, out var streamBytes));
        return streamBytes;
    }

    // ---- capture ----

    internal static SafeCaptureHandle OpenCapture(string url, int openTimeoutMilliseconds, int readTimeoutMilliseconds, string? ffmpegOptions)
    {
        EnsureLoaded();
        var status = egcv_capture_open(url, openTimeoutMilliseconds, readTimeoutMilliseconds, ffmpegOptions, out var capture);
        if (status != (int)OpenCvStatus.Ok)
        {
            capture.Dispose();
            throw LastError(status);
        }
        return capture;
    }

    internal static (int Width, int Height) CaptureFrameSize(SafeCaptureHandle capture)
    {
        Check(egcv_capture_frame_size(capture, out var width, out var height));
        return (width, height);
    }

    /// <summary>
    /// Reads the next frame into <paramref name="destination"/>. Returns false when no frame came;
    /// when the destination is too small, returns true with <paramref name="fits"/> false and the
    /// frame kept for <see cref="CaptureCopyFrame"/>.
    /// </summary>
    internal static bool CaptureRead(
        SafeCaptureHandle capture, Span<byte> destination, int destinationStride,
        out bool fits, out int width, out int height, out double timestampMilliseconds)
    {
        var status = egcv_capture_read(
            capture, destination, destination.Length, destinationStride,
            out var hasFrame, out width, out height, out timestampMilliseconds);
        if (status == (int)OpenCvStatus.BufferTooSmall)
        {
            fits = false;
            return true;
        }
        Check(status);
        fits = true;
        return hasFrame != 0;
    }

    internal static void CaptureCopyFrame(SafeCaptureHandle capture, Span<byte> destination, int destinationStride)
    {
        Check(egcv_capture_copy_frame(capture, destination, destination.Length, destinationStride));
    }

    internal static bool CaptureGrab(SafeCaptureHandle capture)
    {
        Check(egcv_capture_grab(capture, out var grabbed));
        return grabbed != 0;
    }

    internal static double CaptureGet(SafeCaptureHandle capture, int property)
    {
        Check(egcv_capture_get(capture, property, out var value));
        return value;
    }

    internal static void ReleaseCapture(IntPtr capture) => egcv_capture_release(capture);

    // ---- raw imports (include/edgegate_cv.h) ----

    [LibraryImport(LibraryName)]
    private static partial int egcv_abi_version();

    [LibraryImport(LibraryName)]
    private static partial IntPtr egcv_opencv_version();

    [LibraryImport(LibraryName)]
    private static partial IntPtr egcv_last_error();

    [LibraryImport(LibraryName)]
    private static partial void egcv_free(IntPtr pointer);

    [LibraryImport(LibraryName)]
    private static partial int egcv_image_decode_reduced(
        ReadOnlySpan<byte> data, long length, int reduction, out SafeImageHandle image, out int width, out int height, out int stride);

    [LibraryImport(LibraryName)]
    private static partial int egcv_image_copy_to(
        SafeImageHandle image, Span<byte> destination, long destinationLength, int destinationStride);

    [LibraryImport(LibraryName)]
    private static partial void egcv_image_release(IntPtr image);

    [LibraryImport(LibraryName)]
    private static partial int egcv_image_encode(
        ReadOnlySpan<byte> source, long sourceLength, int width, int height, int stride, int channels,
        int format, int quality, out IntPtr encoded, out long encodedLength);

    [LibraryImport(LibraryName)]
    private static partial int egcv_resize(
        ReadOnlySpan<byte> source, long sourceLength, int sourceWidth, int sourceHeight, int sourceStride, int channels,
        Span<byte> destination, long destinationLength, int destinationWidth, int destinationHeight, int destinationStride,
        int interpolation);

    [LibraryImport(LibraryName)]
    private static partial int egcv_cvt_color(
        ReadOnlySpan<byte> source, long sourceLength, int width, int height, int sourceStride, int sourceChannels,
        Span<byte> destination, long destinationLength, int destinationStride, int destinationChannels, int code);

    [LibraryImport(LibraryName)]
    private static partial int egcv_warp_affine(
        ReadOnlySpan<byte> source, long sourceLength, int sourceWidth, int sourceHeight, int sourceStride, int channels,
        Span<byte> destination, long destinationLength, int destinationWidth, int destinationHeight, int destinationStride,
        ReadOnlySpan<double> matrix);

    [LibraryImport(LibraryName)]
    private static partial int egcv_h264_round_trip(
        ReadOnlySpan<byte> frames, long framesLength, int count, int width, int height, int stride,
        int frameRate, int bitRate, int keyInterval, int colourMatrix,
        Span<byte> destination, long destinationLength, int destinationStride, out long streamBytes);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int egcv_capture_open(
        string url, int openTimeoutMilliseconds, int readTimeoutMilliseconds, string? ffmpegOptions, out SafeCaptureHandle capture);

    [LibraryImport(LibraryName)]
    private static partial int egcv_capture_frame_size(SafeCaptureHandle capture, out int width, out int height);

    [LibraryImport(LibraryName)]
    private static partial int egcv_capture_read(
        SafeCaptureHandle capture, Span<byte> destination, long destinationLength, int destinationStride,
        out int hasFrame, out int width, out int height, out double timestampMilliseconds);

    [LibraryImport(LibraryName)]
    private static partial int egcv_capture_copy_frame(
        SafeCaptureHandle capture, Span<byte> destination, long destinationLength, int destinationStride);

    [LibraryImport(LibraryName)]
    private static partial int egcv_capture_grab(SafeCaptureHandle capture, out int grabbed);

    [LibraryImport(LibraryName)]
    private static partial int egcv_capture_get(SafeCaptureHandle capture, int property, out double value);

    [LibraryImport(LibraryName)]
    private static partial void egcv_capture_release(IntPtr capture);
}
