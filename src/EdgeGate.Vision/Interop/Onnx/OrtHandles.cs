using System.Runtime.InteropServices;

namespace EdgeGate.Vision.Interop.Onnx;

/// <summary>An ONNX Runtime object released by its OrtApi Release function.</summary>
internal abstract class OrtHandle : SafeHandle
{
    protected OrtHandle(nint handle)
        : base(0, ownsHandle: true)
    {
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == 0;
}

internal sealed class OrtEnvHandle(nint handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle()
    {
        NativeMethods.ReleaseEnv(handle);
        return true;
    }
}

internal sealed class OrtMemoryInfoHandle(nint handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle()
    {
        NativeMethods.ReleaseMemoryInfo(handle);
        return true;
    }
}

internal sealed class OrtSessionOptionsHandle(nint handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle()
    {
        NativeMethods.ReleaseSessionOptions(handle);
        return true;
    }
}

internal sealed class OrtValueHandle(nint handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle()
    {
        NativeMethods.ReleaseValue(handle);
        return true;
    }
}

internal sealed class OrtRunOptionsHandle(nint handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle()
    {
        NativeMethods.ReleaseRunOptions(handle);
        return true;
    }
}

/// <summary>
/// A session plus the native UTF-8 names of its inputs and outputs (allocated by ORT), which
/// <c>Run</c> passes by address. Both are freed together once no run holds a reference.
/// </summary>
internal sealed unsafe class OrtSessionHandle : OrtHandle
{
    private readonly nint* inputNames;
    private readonly nint* outputNames;

    internal OrtSessionHandle(nint session, int inputCount, int outputCount)
        : base(session)
    {
        InputCount = inputCount;
        OutputCount = outputCount;
        inputNames = (nint*)NativeMemory.AllocZeroed((nuint)Math.Max(inputCount, 1), (nuint)sizeof(nint));
        outputNames = (nint*)NativeMemory.AllocZeroed((nuint)Math.Max(outputCount, 1), (nuint)sizeof(nint));
    }

    internal int InputCount { get; }

    internal int OutputCount { get; }

    internal nint* InputNames => inputNames;

    internal nint* OutputNames => outputNames;

    protected override bool ReleaseHandle()
    {
        NativeMethods.ReleaseSession(handle);
        for (var index = 0; index < InputCount; index++)
        {
            NativeMethods.FreeWithDefaultAllocator(inputNames[index]);
        }
        for (var index = 0; index < OutputCount; index++)
        {
            NativeMethods.FreeWithDefaultAllocator(outputNames[index]);
        }
        NativeMemory.Free(inputNames);
        NativeMemory.Free(outputNames);
        return true;
    }
}
