namespace EdgeGate.Vision.Interop.Onnx;

/// <summary>A float32 tensor copied out of a run: row-major data and its shape.</summary>
public sealed record FloatTensor(float[] Data, IReadOnlyList<long> Shape);
