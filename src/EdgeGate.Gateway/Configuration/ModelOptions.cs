using System.ComponentModel.DataAnnotations;

namespace EdgeGate.Gateway.Configuration;

/// <summary>Section <c>Models</c>: where the face models and the ONNX Runtime library are.</summary>
public sealed class ModelOptions
{
    public const string SectionName = "Models";

    /// <summary>Folder with manifest.json and the .onnx files; empty = next to the executable.</summary>
    public string Directory { get; set; } = "";

    /// <summary>Path of libonnxruntime.so.1; empty = EDGEGATE_ORT_LIB or next to the executable.</summary>
    public string OnnxRuntimeLibrary { get; set; } = "";

    /// <summary>Threads per inference session (ORT intra-op).</summary>
    [Range(1, 16)]
    public int IntraOpThreads { get; set; } = 1;
}
