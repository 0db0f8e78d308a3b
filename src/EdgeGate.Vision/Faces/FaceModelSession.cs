using System.Diagnostics;
using EdgeGate.Vision.Inference;
using EdgeGate.Vision.Models;

namespace EdgeGate.Vision.Faces;

/// <summary>
/// One model of the face pipeline: its manifest description, a session and one binding made once,
/// so a run copies nothing and allocates nothing. Not thread-safe (one binding).
/// </summary>
internal sealed class FaceModelSession : IDisposable
{
    private readonly ModelSession session;
    private readonly TensorBinding binding;

    public FaceModelSession(ModelCatalog catalog, string key, InferenceOptions options)
    {
        Key = key;
        Description = catalog.Get(key);
        var verification = catalog.Verify(key);
        switch (verification.Status)
        {
            case ModelFileStatus.Missing:
                throw new FileNotFoundException($"model '{key}' is missing: {verification.FilePath} (fetch the models with build.sh setup)", verification.FilePath);
            case ModelFileStatus.ChecksumMismatch:
                throw new InvalidDataException(
                    $"model '{key}' at {verification.FilePath} has SHA-256 {verification.ActualSha256}, the manifest pins {verification.ExpectedSha256}");
        }
        session = options.CreateSession(verification.FilePath);
        try
        {
            binding = session.CreateBinding();
            Input = binding.Input(Description.Inputs[0].Name);
        }
        catch
        {
            binding?.Dispose();
            session.Dispose();
            throw;
        }
    }

    public string Key { get; }

    public ModelDescription Description { get; }

    /// <summary>The first (only) input tensor.</summary>
    public PinnedTensor Input { get; }

    /// <summary>Input height for an NCHW image input.</summary>
    public int InputHeight => checked((int)Input.Shape[2]);

    /// <summary>Input width for an NCHW image input.</summary>
    public int InputWidth => checked((int)Input.Shape[3]);

    /// <summary>The output with the manifest's output name at <paramref name="index"/>.</summary>
    public PinnedTensor Output(int index) => binding.Output(Description.Outputs[index].Name);

    /// <summary>Stopwatch ticks spent inside ONNX Runtime since the session was made.</summary>
    public long RunTicks { get; private set; }

    public void Run()
    {
        var start = Stopwatch.GetTimestamp();
        binding.Run();
        RunTicks += Stopwatch.GetTimestamp() - start;
    }

    public void Dispose()
    {
        binding.Dispose();
        session.Dispose();
    }
}
