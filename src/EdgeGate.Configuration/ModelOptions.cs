using System.ComponentModel.DataAnnotations;
using EdgeGate.Vision.Faces;
using EdgeGate.Vision.Models;

namespace EdgeGate.Configuration;

/// <summary>Section <c>Models</c>: where the face models are and how many threads run them.</summary>
public sealed class ModelOptions
{
    public const string SectionName = "Models";

    /// <summary>Folder with manifest.json and the .onnx files; empty = next to the executable.</summary>
    public string Directory { get; set; } = "";

    /// <summary>Threads per inference session (ORT intra-op).</summary>
    [Range(1, 16)]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Loads the face pipeline from these options (ONNX Runtime and the four models).</summary>
    /// <param name="computeLiveness">Off for enrolment: photos come from the office, liveness is for the gate camera.</param>
    public FacePipeline LoadPipeline(bool computeLiveness = true) =>
        FacePipeline.Load(
            ModelCatalog.Locate(string.IsNullOrWhiteSpace(Directory) ? null : Directory),
            new FacePipelineOptions
            {
                Threads = IntraOpThreads,
                ComputeLiveness = computeLiveness,
            });
}
