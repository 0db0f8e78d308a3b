namespace EdgeGate.Vision.Interop.Onnx;

/// <summary>ONNXTensorElementDataType.</summary>
public enum TensorElementType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
    Complex64 = 14,
    Complex128 = 15,
    BFloat16 = 16,
}

/// <summary>ONNXType: what kind of value an input or output holds.</summary>
public enum OnnxValueType
{
    Unknown = 0,
    Tensor = 1,
    Sequence = 2,
    Map = 3,
    Opaque = 4,
    SparseTensor = 5,
    Optional = 6,
}

/// <summary>GraphOptimizationLevel.</summary>
public enum GraphOptimizationLevel
{
    DisableAll = 0,
    Basic = 1,
    Extended = 2,
    All = 99,
}

/// <summary>Name, value type, element type and shape of one model input or output; -1 marks a dimension the model leaves open.</summary>
public sealed record NodeMetadata(string Name, OnnxValueType ValueType, TensorElementType ElementType, IReadOnlyList<long> Shape)
{
    /// <summary>True when every dimension is fixed.</summary>
    public bool HasFixedShape => Shape.All(dimension => dimension >= 0);

    public override string ToString() => $"{Name}: {ElementType} {ShapeText.Format(Shape)}";
}

internal static class ShapeText
{
    public static string Format(IEnumerable<long> shape) => "[" + string.Join(",", shape) + "]";
}
