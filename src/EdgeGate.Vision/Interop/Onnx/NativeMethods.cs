using System.Runtime.InteropServices;

namespace EdgeGate.Vision.Interop.Onnx;

/// <summary>
/// The ONNX Runtime C API, read from the <c>OrtApi</c> function table that
/// <c>OrtGetApiBase()-&gt;GetApi(version)</c> returns. Slot numbers are those of the public header
/// onnxruntime_c_api.h (the table is append-only). The library is loaded once per process with
/// <see cref="NativeLibrary.Load(string)"/>; plain DllImport does not find libonnxruntime.so.1.
/// </summary>
internal static unsafe class NativeMethods
{
    /// <summary>The OrtApi version requested; the 1.30 library serves versions 1 to 30.</summary>
    internal const uint ApiVersion = 29;

    private static readonly Lock Gate = new();
    private static string? loadedLibraryPath;

    // Status
    private static delegate* unmanaged[Cdecl]<nint, int> getErrorCode;
    private static delegate* unmanaged[Cdecl]<nint, byte*> getErrorMessage;
    private static delegate* unmanaged[Cdecl]<nint, void> releaseStatus;

    // Environment, options, session
    private static delegate* unmanaged[Cdecl]<int, byte*, nint*, nint> createEnv;
    private static delegate* unmanaged[Cdecl]<nint, byte*, nint, nint*, nint> createSession;
    private static delegate* unmanaged[Cdecl]<nint, void*, nuint, nint, nint*, nint> createSessionFromArray;
    private static delegate* unmanaged[Cdecl]<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint> run;
    private static delegate* unmanaged[Cdecl]<nint*, nint> createSessionOptions;
    private static delegate* unmanaged[Cdecl]<nint, int, nint> setSessionExecutionMode;
    private static delegate* unmanaged[Cdecl]<nint, int, nint> setSessionGraphOptimizationLevel;
    private static delegate* unmanaged[Cdecl]<nint, int, nint> setIntraOpNumThreads;
    private static delegate* unmanaged[Cdecl]<nint, int, nint> setInterOpNumThreads;
    private static delegate* unmanaged[Cdecl]<nint, byte*, byte*, nint> addSessionConfigEntry;

    // Session metadata
    private static delegate* unmanaged[Cdecl]<nint, nuint*, nint> sessionGetInputCount;
    private static delegate* unmanaged[Cdecl]<nint, nuint*, nint> sessionGetOutputCount;
    private static delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> sessionGetInputTypeInfo;
    private static delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> sessionGetOutputTypeInfo;
    private static delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> sessionGetInputName;
    private static delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> sessionGetOutputName;
    private static delegate* unmanaged[Cdecl]<nint, nint*, nint> castTypeInfoToTensorInfo;
    private static delegate* unmanaged[Cdecl]<nint, int*, nint> getOnnxTypeFromTypeInfo;
    private static delegate* unmanaged[Cdecl]<nint, int*, nint> getTensorElementType;
    private static delegate* unmanaged[Cdecl]<nint, nuint*, nint> getDimensionsCount;
    private static delegate* unmanaged[Cdecl]<nint, long*, nuint, nint> getDimensions;
    private static delegate* unmanaged[Cdecl]<nint, nuint*, nint> getTensorShapeElementCount;
    private static delegate* unmanaged[Cdecl]<nint, nint*, nint> getTensorTypeAndShape;

    // Run options
    private static delegate* unmanaged[Cdecl]<nint*, nint> createRunOptions;
    private static delegate* unmanaged[Cdecl]<nint, nint> runOptionsSetTerminate;
    private static delegate* unmanaged[Cdecl]<nint, nint> runOptionsUnsetTerminate;

    // Values and memory
    private static delegate* unmanaged[Cdecl]<nint, void*, nuint, long*, nuint, int, nint*, nint> createTensorWithDataAsOrtValue;
    private static delegate* unmanaged[Cdecl]<nint, void**, nint> getTensorMutableData;
    private static delegate* unmanaged[Cdecl]<int, int, nint*, nint> createCpuMemoryInfo;
    private static delegate* unmanaged[Cdecl]<nint, void*, nint> allocatorFree;
    private static delegate* unmanaged[Cdecl]<nint*, nint> getAllocatorWithDefaultOptions;

    // Release functions
    private static delegate* unmanaged[Cdecl]<nint, void> releaseEnv;
    private static delegate* unmanaged[Cdecl]<nint, void> releaseMemoryInfo;
    private static delegate* unmanaged[Cdecl]<nint, void> releaseSession;
    private static delegate* unmanaged[Cdecl]<nint, void> releaseValue;
    private static delegate* unmanaged[Cdecl]<nint, void> releaseRunOptions;
    private static delegate* unmanaged[Cdecl]<nint, void> releaseTypeInfo;
    private static delegate* unmanaged[Cdecl]<nint, void> releaseTensorTypeAndShapeInfo;
    private static delegate* unmanaged[Cdecl]<nint, void> releaseSessionOptions;

    private static delegate* unmanaged[Cdecl]<byte*> getBuildInfoString;

    [StructLayout(LayoutKind.Sequential)]
    private struct OrtApiBase
    {
        public delegate* unmanaged[Cdecl]<uint, nint*> GetApi;
        public delegate* unmanaged[Cdecl]<byte*> GetVersionString;
    }

    /// <summary>The path the library was loaded from, or null before the first load.</summary>
    internal static string? LoadedLibraryPath
    {
        get
        {
            lock (Gate)
            {
                return loadedLibraryPath;
            }
        }
    }

    /// <summary>The version string of the loaded library (e.g. "1.30.0").</summary>
    internal static string VersionString { get; private set; } = string.Empty;

    /// <summary>
    /// Opens <paramref name="libraryPath"/> and checks that it is ONNX Runtime serving
    /// <see cref="ApiVersion"/>, without binding the table. Returns the OrtApi table.
    /// </summary>
    internal static nint* OpenLibrary(string libraryPath, out string versionString)
    {
        nint library;
        try
        {
            library = NativeLibrary.Load(libraryPath);
        }
        catch (DllNotFoundException exception)
        {
            throw new OnnxRuntimeException(
                OnnxRuntimeErrorCode.LibraryLoadFailed,
                $"cannot load the ONNX Runtime library '{libraryPath}': {exception.Message}",
                exception);
        }
        catch (BadImageFormatException exception)
        {
            throw new OnnxRuntimeException(
                OnnxRuntimeErrorCode.LibraryLoadFailed,
                $"'{libraryPath}' is not a loadable ONNX Runtime library: {exception.Message}",
                exception);
        }

        if (!NativeLibrary.TryGetExport(library, "OrtGetApiBase", out var getApiBaseAddress))
        {
            NativeLibrary.Free(library);
            throw new OnnxRuntimeException(
                OnnxRuntimeErrorCode.LibraryLoadFailed,
                $"'{libraryPath}' does not export OrtGetApiBase: it is not ONNX Runtime");
        }

        var getApiBase = (delegate* unmanaged[Cdecl]<OrtApiBase*>)getApiBaseAddress;
        var apiBase = getApiBase();
        versionString = Marshal.PtrToStringUTF8((nint)apiBase->GetVersionString()) ?? "unknown";
        var table = apiBase->GetApi(ApiVersion);
        if (table is null)
        {
            NativeLibrary.Free(library);
            throw new OnnxRuntimeException(
                OnnxRuntimeErrorCode.LibraryLoadFailed,
                $"the ONNX Runtime library '{libraryPath}' (version {versionString}) does not serve C API version {ApiVersion}");
        }
        return table;
    }

    /// <summary>Opens a library as <see cref="OpenLibrary"/> does and returns its version string.</summary>
    internal static string ProbeLibrary(string libraryPath)
    {
        OpenLibrary(libraryPath, out var version);
        return version;
    }

    /// <summary>
    /// Loads the library once per process and reads the function table. A second call with the same
    /// path does nothing; a different path is refused, since one process holds one ONNX Runtime.
    /// </summary>
    internal static void EnsureLoaded(string libraryPath)
    {
        var fullPath = Path.GetFullPath(libraryPath);
        lock (Gate)
        {
            if (loadedLibraryPath is not null)
            {
                if (!string.Equals(loadedLibraryPath, fullPath, StringComparison.Ordinal))
                {
                    throw new OnnxRuntimeException(
                        OnnxRuntimeErrorCode.LibraryLoadFailed,
                        $"ONNX Runtime is already loaded from '{loadedLibraryPath}'; cannot also load '{fullPath}'");
                }
                return;
            }

            var table = OpenLibrary(fullPath, out var version);
            Bind(table);
            VersionString = version;
            loadedLibraryPath = fullPath;
        }
    }

    private static void Bind(nint* table)
    {
        getErrorCode = (delegate* unmanaged[Cdecl]<nint, int>)table[1];
        getErrorMessage = (delegate* unmanaged[Cdecl]<nint, byte*>)table[2];
        createEnv = (delegate* unmanaged[Cdecl]<int, byte*, nint*, nint>)table[3];
        createSession = (delegate* unmanaged[Cdecl]<nint, byte*, nint, nint*, nint>)table[7];
        createSessionFromArray = (delegate* unmanaged[Cdecl]<nint, void*, nuint, nint, nint*, nint>)table[8];
        run = (delegate* unmanaged[Cdecl]<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint>)table[9];
        createSessionOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)table[10];
        setSessionExecutionMode = (delegate* unmanaged[Cdecl]<nint, int, nint>)table[13];
        setSessionGraphOptimizationLevel = (delegate* unmanaged[Cdecl]<nint, int, nint>)table[23];
        setIntraOpNumThreads = (delegate* unmanaged[Cdecl]<nint, int, nint>)table[24];
        setInterOpNumThreads = (delegate* unmanaged[Cdecl]<nint, int, nint>)table[25];
        sessionGetInputCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)table[30];
        sessionGetOutputCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)table[31];
        sessionGetInputTypeInfo = (delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint>)table[33];
        sessionGetOutputTypeInfo = (delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint>)table[34];
        sessionGetInputName = (delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint>)table[36];
        sessionGetOutputName = (delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint>)table[37];
        createRunOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)table[39];
        runOptionsSetTerminate = (delegate* unmanaged[Cdecl]<nint, nint>)table[46];
        runOptionsUnsetTerminate = (delegate* unmanaged[Cdecl]<nint, nint>)table[47];
        createTensorWithDataAsOrtValue = (delegate* unmanaged[Cdecl]<nint, void*, nuint, long*, nuint, int, nint*, nint>)table[49];
        getTensorMutableData = (delegate* unmanaged[Cdecl]<nint, void**, nint>)table[51];
        castTypeInfoToTensorInfo = (delegate* unmanaged[Cdecl]<nint, nint*, nint>)table[55];
        getOnnxTypeFromTypeInfo = (delegate* unmanaged[Cdecl]<nint, int*, nint>)table[56];
        getTensorElementType = (delegate* unmanaged[Cdecl]<nint, int*, nint>)table[60];
        getDimensionsCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)table[61];
        getDimensions = (delegate* unmanaged[Cdecl]<nint, long*, nuint, nint>)table[62];
        getTensorShapeElementCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)table[64];
        getTensorTypeAndShape = (delegate* unmanaged[Cdecl]<nint, nint*, nint>)table[65];
        createCpuMemoryInfo = (delegate* unmanaged[Cdecl]<int, int, nint*, nint>)table[69];
        allocatorFree = (delegate* unmanaged[Cdecl]<nint, void*, nint>)table[76];
        getAllocatorWithDefaultOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)table[78];
        releaseEnv = (delegate* unmanaged[Cdecl]<nint, void>)table[92];
        releaseStatus = (delegate* unmanaged[Cdecl]<nint, void>)table[93];
        releaseMemoryInfo = (delegate* unmanaged[Cdecl]<nint, void>)table[94];
        releaseSession = (delegate* unmanaged[Cdecl]<nint, void>)table[95];
        releaseValue = (delegate* unmanaged[Cdecl]<nint, void>)table[96];
        releaseRunOptions = (delegate* unmanaged[Cdecl]<nint, void>)table[97];
        releaseTypeInfo = (delegate* unmanaged[Cdecl]<nint, void>)table[98];
        releaseTensorTypeAndShapeInfo = (delegate* unmanaged[Cdecl]<nint, void>)table[99];
        releaseSessionOptions = (delegate* unmanaged[Cdecl]<nint, void>)table[100];
        addSessionConfigEntry = (delegate* unmanaged[Cdecl]<nint, byte*, byte*, nint>)table[130];
        getBuildInfoString = (delegate* unmanaged[Cdecl]<byte*>)table[254];
    }

    /// <summary>ORT's VerifySuccess: a non-null status becomes an exception; the status is always released.</summary>
    internal static void Check(nint status)
    {
        if (status != 0)
        {
            throw TakeStatus(status);
        }
    }

    /// <summary>Turns a non-null status into an exception and releases the status.</summary>
    internal static OnnxRuntimeException TakeStatus(nint status)
    {
        try
        {
            var code = (OnnxRuntimeErrorCode)getErrorCode(status);
            var message = Marshal.PtrToStringUTF8((nint)getErrorMessage(status)) ?? string.Empty;
            return new OnnxRuntimeException(code, message);
        }
        finally
        {
            releaseStatus(status);
        }
    }

    internal static string BuildInfoString() => Marshal.PtrToStringUTF8((nint)getBuildInfoString()) ?? string.Empty;

    internal static OrtEnvHandle CreateEnv(int loggingLevel, string logIdentifier)
    {
        var identifier = Marshal.StringToCoTaskMemUTF8(logIdentifier);
        try
        {
            nint environment;
            Check(createEnv(loggingLevel, (byte*)identifier, &environment));
            return new OrtEnvHandle(environment);
        }
        finally
        {
            Marshal.FreeCoTaskMem(identifier);
        }
    }

    internal static OrtMemoryInfoHandle CreateCpuMemoryInfo()
    {
        const int ArenaAllocator = 1;
        const int DefaultMemoryType = 0;
        nint memoryInfo;
        Check(createCpuMemoryInfo(ArenaAllocator, DefaultMemoryType, &memoryInfo));
        return new OrtMemoryInfoHandle(memoryInfo);
    }

    internal static OrtSessionOptionsHandle CreateSessionOptions()
    {
        nint options;
        Check(createSessionOptions(&options));
        return new OrtSessionOptionsHandle(options);
    }

    internal static void SetIntraOpNumThreads(OrtSessionOptionsHandle options, int threads) =>
        Check(setIntraOpNumThreads(options.DangerousGetHandle(), threads));

    internal static void SetInterOpNumThreads(OrtSessionOptionsHandle options, int threads) =>
        Check(setInterOpNumThreads(options.DangerousGetHandle(), threads));

    internal static void SetGraphOptimizationLevel(OrtSessionOptionsHandle options, int level) =>
        Check(setSessionGraphOptimizationLevel(options.DangerousGetHandle(), level));

    internal static void SetExecutionMode(OrtSessionOptionsHandle options, int mode) =>
        Check(setSessionExecutionMode(options.DangerousGetHandle(), mode));

    internal static void AddSessionConfigEntry(OrtSessionOptionsHandle options, string key, string value)
    {
        var nativeKey = Marshal.StringToCoTaskMemUTF8(key);
        var nativeValue = Marshal.StringToCoTaskMemUTF8(value);
        try
        {
            Check(addSessionConfigEntry(options.DangerousGetHandle(), (byte*)nativeKey, (byte*)nativeValue));
        }
        finally
        {
            Marshal.FreeCoTaskMem(nativeKey);
            Marshal.FreeCoTaskMem(nativeValue);
        }
    }

    internal static nint CreateSession(OrtEnvHandle environment, string modelPath, OrtSessionOptionsHandle options)
    {
        var nativePath = Marshal.StringToCoTaskMemUTF8(modelPath);
        try
        {
            nint session;
            Check(createSession(environment.DangerousGetHandle(), (byte*)nativePath, options.DangerousGetHandle(), &session));
            return session;
        }
        finally
        {
            Marshal.FreeCoTaskMem(nativePath);
        }
    }

    internal static nint CreateSessionFromArray(OrtEnvHandle environment, ReadOnlySpan<byte> model, OrtSessionOptionsHandle options)
    {
        fixed (byte* data = model)
        {
            nint session;
            Check(createSessionFromArray(environment.DangerousGetHandle(), data, (nuint)model.Length, options.DangerousGetHandle(), &session));
            return session;
        }
    }

    internal static int SessionGetCount(nint session, bool inputs)
    {
        nuint count;
        Check(inputs ? sessionGetInputCount(session, &count) : sessionGetOutputCount(session, &count));
        return checked((int)count);
    }

    /// <summary>The name of input or output <paramref name="index"/>, allocated by ORT's default allocator.</summary>
    internal static nint SessionGetName(nint session, int index, bool input)
    {
        nint allocator;
        Check(getAllocatorWithDefaultOptions(&allocator));
        byte* name;
        Check(input
            ? sessionGetInputName(session, (nuint)index, allocator, &name)
            : sessionGetOutputName(session, (nuint)index, allocator, &name));
        return (nint)name;
    }

    /// <summary>Frees memory that ORT's default allocator handed out.</summary>
    internal static void FreeWithDefaultAllocator(nint memory)
    {
        if (memory == 0)
        {
            return;
        }
        nint allocator;
        Check(getAllocatorWithDefaultOptions(&allocator));
        Check(allocatorFree(allocator, (void*)memory));
    }

    /// <summary>Reads the value type, element type and dimensions of input or output <paramref name="index"/>.</summary>
    internal static (OnnxValueType ValueType, TensorElementType ElementType, long[] Shape) SessionGetTypeInfo(nint session, int index, bool input)
    {
        nint typeInfo;
        Check(input
            ? sessionGetInputTypeInfo(session, (nuint)index, &typeInfo)
            : sessionGetOutputTypeInfo(session, (nuint)index, &typeInfo));
        try
        {
            int onnxType;
            Check(getOnnxTypeFromTypeInfo(typeInfo, &onnxType));
            nint tensorInfo;
            Check(castTypeInfoToTensorInfo(typeInfo, &tensorInfo));
            if (tensorInfo == 0)
            {
                return ((OnnxValueType)onnxType, TensorElementType.Undefined, []);
            }
            // tensorInfo belongs to typeInfo: not released on its own.
            var (elementType, shape) = ReadTensorInfo(tensorInfo);
            return ((OnnxValueType)onnxType, elementType, shape);
        }
        finally
        {
            releaseTypeInfo(typeInfo);
        }
    }

    private static (TensorElementType ElementType, long[] Shape) ReadTensorInfo(nint tensorInfo)
    {
        int elementType;
        Check(getTensorElementType(tensorInfo, &elementType));
        nuint rank;
        Check(getDimensionsCount(tensorInfo, &rank));
        var shape = new long[(int)rank];
        fixed (long* dimensions = shape)
        {
            Check(getDimensions(tensorInfo, dimensions, rank));
        }
        return ((TensorElementType)elementType, shape);
    }

    /// <summary>Wraps caller-owned memory as a tensor value; the memory must stay pinned while the value lives.</summary>
    internal static OrtValueHandle CreateTensor(OrtMemoryInfoHandle memoryInfo, void* data, long byteCount, ReadOnlySpan<long> shape, TensorElementType elementType)
    {
        fixed (long* dimensions = shape)
        {
            nint value;
            Check(createTensorWithDataAsOrtValue(
                memoryInfo.DangerousGetHandle(), data, (nuint)byteCount, dimensions, (nuint)shape.Length, (int)elementType, &value));
            return new OrtValueHandle(value);
        }
    }

    /// <summary>Reads element type, shape and data address of a tensor value ORT allocated.</summary>
    internal static (TensorElementType ElementType, long[] Shape, long ElementCount, nint Data) ReadTensorValue(nint value)
    {
        nint tensorInfo;
        Check(getTensorTypeAndShape(value, &tensorInfo));
        try
        {
            var (elementType, shape) = ReadTensorInfo(tensorInfo);
            nuint count;
            Check(getTensorShapeElementCount(tensorInfo, &count));
            void* data;
            Check(getTensorMutableData(value, &data));
            return (elementType, shape, (long)count, (nint)data);
        }
        finally
        {
            releaseTensorTypeAndShapeInfo(tensorInfo);
        }
    }

    internal static OrtRunOptionsHandle CreateRunOptions()
    {
        nint options;
        Check(createRunOptions(&options));
        return new OrtRunOptionsHandle(options);
    }

    internal static void RunOptionsSetTerminate(nint runOptions) => Check(runOptionsSetTerminate(runOptions));

    internal static void RunOptionsUnsetTerminate(nint runOptions) => Check(runOptionsUnsetTerminate(runOptions));

    /// <summary>OrtApi::Run; returns the raw status (0 on success) so the caller can tell a cancelled run apart.</summary>
    internal static nint Run(nint session, nint runOptions, nint* inputNames, nint* inputValues, int inputCount, nint* outputNames, int outputCount, nint* outputValues) =>
        run(session, runOptions, inputNames, inputValues, (nuint)inputCount, outputNames, (nuint)outputCount, outputValues);

    internal static void ReleaseEnv(nint handle) => releaseEnv(handle);

    internal static void ReleaseMemoryInfo(nint handle) => releaseMemoryInfo(handle);

    internal static void ReleaseSession(nint handle) => releaseSession(handle);

    internal static void ReleaseValue(nint handle) => releaseValue(handle);

    internal static void ReleaseRunOptions(nint handle) => releaseRunOptions(handle);

    internal static void ReleaseSessionOptions(nint handle) => releaseSessionOptions(handle);
}
