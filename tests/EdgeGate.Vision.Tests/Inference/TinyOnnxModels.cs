using System.Text;

namespace EdgeGate.Vision.Tests.Inference;

/// <summary>
/// Minimal ONNX models written as protobuf bytes (field numbers from onnx.proto), for cases the face
/// models cannot show: non-float inputs, and open dimensions that let ORT itself reject a run.
/// </summary>
internal static class TinyOnnxModels
{
    private const int ElementFloat = 1;
    private const int ElementInt64 = 7;

    /// <summary>y = Identity(x), x and y int64 [2].</summary>
    public static byte[] IdentityInt64() =>
        Model(Graph(
            "identity",
            [Node("Identity", ["x"], ["y"])],
            [ValueInfo("x", ElementInt64, [2])],
            [ValueInfo("y", ElementInt64, [2])]));

    /// <summary>
    /// y = Add(x, Cast(offset, to float)) with x float [2] and offset int64 [2], an initializer holding
    /// [10, 20] that is also a graph input, so a caller may override it. The model runs on x alone
    /// (y = x + [10, 20]); feeding offset as float32 lets ORT check the element type. ORT lists
    /// overridable initializers apart from the inputs: <c>InputNames</c> shows only x.
    /// </summary>
    public static byte[] AddInt64Offset() =>
        Model(Graph(
            "offset",
            [Node("Cast", ["offset"], ["offset_float"], IntAttribute("to", ElementFloat)), Node("Add", ["x", "offset_float"], ["y"])],
            [ValueInfo("x", ElementFloat, [2]), ValueInfo("offset", ElementInt64, [2])],
            [ValueInfo("y", ElementFloat, [2])],
            [Int64Tensor("offset", [10, 20])]));

    /// <summary>c = Add(a, b) with a float [N], b float [M]: ORT fails at run time when N and M cannot broadcast.</summary>
    public static byte[] AddOpenDimensions() =>
        Model(Graph(
            "add",
            [Node("Add", ["a", "b"], ["c"])],
            [ValueInfo("a", ElementFloat, ["N"]), ValueInfo("b", ElementFloat, ["M"])],
            [ValueInfo("c", ElementFloat, ["K"])]));

    private static byte[] Model(byte[] graph)
    {
        var model = new ProtobufWriter();
        model.Varint(1, 8); // ir_version
        model.Message(8, new ProtobufWriter().String(1, string.Empty).Varint(2, 13).ToArray()); // opset_import
        model.Message(7, graph);
        return model.ToArray();
    }

    private static byte[] Graph(string name, byte[][] nodes, byte[][] inputs, byte[][] outputs, byte[][]? initializers = null)
    {
        var graph = new ProtobufWriter();
        foreach (var node in nodes)
        {
            graph.Message(1, node);
        }
        graph.String(2, name);
        foreach (var initializer in initializers ?? [])
        {
            graph.Message(5, initializer);
        }
        foreach (var input in inputs)
        {
            graph.Message(11, input);
        }
        foreach (var output in outputs)
        {
            graph.Message(12, output);
        }
        return graph.ToArray();
    }

    private static byte[] Node(string operatorType, string[] inputs, string[] outputs, params byte[][] attributes)
    {
        var node = new ProtobufWriter();
        foreach (var input in inputs)
        {
            node.String(1, input);
        }
        foreach (var output in outputs)
        {
            node.String(2, output);
        }
        node.String(4, operatorType);
        foreach (var attribute in attributes)
        {
            node.Message(5, attribute);
        }
        return node.ToArray();
    }

    /// <summary>AttributeProto: name, i, type = INT (2).</summary>
    private static byte[] IntAttribute(string name, long value) =>
        new ProtobufWriter().String(1, name).Varint(3, (ulong)value).Varint(20, 2).ToArray();

    /// <summary>TensorProto: dims, data_type = INT64, int64_data (unpacked), name.</summary>
    private static byte[] Int64Tensor(string name, long[] values)
    {
        var tensor = new ProtobufWriter().Varint(1, (ulong)values.Length).Varint(2, ElementInt64);
        foreach (var value in values)
        {
            tensor.Varint(7, (ulong)value);
        }
        return tensor.String(8, name).ToArray();
    }

    private static byte[] ValueInfo(string name, int elementType, object[] dimensions)
    {
        var shape = new ProtobufWriter();
        foreach (var dimension in dimensions)
        {
            var dimensionMessage = dimension is string parameter
                ? new ProtobufWriter().String(2, parameter)
                : new ProtobufWriter().Varint(1, Convert.ToUInt64(dimension, System.Globalization.CultureInfo.InvariantCulture));
            shape.Message(1, dimensionMessage.ToArray());
        }
        var tensorType = new ProtobufWriter().Varint(1, (ulong)elementType).Message(2, shape.ToArray());
        var type = new ProtobufWriter().Message(1, tensorType.ToArray());
        return new ProtobufWriter().String(1, name).Message(2, type.ToArray()).ToArray();
    }

    private sealed class ProtobufWriter
    {
        private readonly MemoryStream stream = new();

        public ProtobufWriter Varint(int field, ulong value)
        {
            WriteRawVarint((ulong)(field << 3));
            WriteRawVarint(value);
            return this;
        }

        public ProtobufWriter String(int field, string value) => Message(field, Encoding.UTF8.GetBytes(value));

        public ProtobufWriter Message(int field, byte[] bytes)
        {
            WriteRawVarint((ulong)((field << 3) | 2));
            WriteRawVarint((ulong)bytes.Length);
            stream.Write(bytes);
            return this;
        }

        public byte[] ToArray() => stream.ToArray();

        private void WriteRawVarint(ulong value)
        {
            while (value >= 0x80)
            {
                stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            stream.WriteByte((byte)value);
        }
    }
}
