using System.Buffers.Binary;

namespace EdgeGate.Devices.Modbus;

/// <summary>The Modbus function codes EdgeGate uses.</summary>
public enum ModbusFunction : byte
{
    ReadCoils = 0x01,
    ReadDiscreteInputs = 0x02,
    WriteSingleCoil = 0x05,
    WriteSingleRegister = 0x06,
}

/// <summary>What <see cref="ModbusRtuFraming.ScanResponse"/> found in the received bytes.</summary>
public enum ModbusScanStatus
{
    /// <summary>No complete answer yet; bytes before <see cref="ModbusResponseScan.Offset"/> are garbage.</summary>
    NeedMoreData,
    /// <summary>A normal answer with a good CRC that matches the request.</summary>
    Response,
    /// <summary>An exception answer (function | 0x80) with a good CRC.</summary>
    ExceptionResponse,
}

/// <summary>
/// Result of scanning received bytes for the answer to one request.
/// </summary>
/// <param name="Status">What was found.</param>
/// <param name="Offset">Where the answer starts (bytes before it were noise); for <see cref="ModbusScanStatus.NeedMoreData"/>, the first byte that may still start one.</param>
/// <param name="Length">The answer's length in bytes (0 while more data is needed).</param>
/// <param name="ExceptionCode">The Modbus exception code for <see cref="ModbusScanStatus.ExceptionResponse"/>.</param>
/// <param name="CorruptFrames">Candidates with the right header but a bad CRC (line noise, collisions).</param>
/// <param name="MismatchedFrames">Frames with a good CRC that do not answer this request (an echo that differs, a late answer to another request).</param>
public readonly record struct ModbusResponseScan(
    ModbusScanStatus Status,
    int Offset,
    int Length,
    byte ExceptionCode,
    int CorruptFrames,
    int MismatchedFrames);

/// <summary>
/// Modbus RTU frames as byte arrays: CRC-16/MODBUS, requests for the functions a relay board
/// needs, and a scanner that finds the answer to a request in received bytes, skipping leading
/// noise and resynchronising on the CRC. Pure: no I/O, no time.
/// </summary>
public static class ModbusRtuFraming
{
    /// <summary>Largest RTU frame (address + PDU + CRC).</summary>
    public const int MaximumFrameLength = 256;

    /// <summary>Largest coil or input count in one read (0x7D0).</summary>
    public const int MaximumBitCount = 2000;

    /// <summary>CRC-16/MODBUS (polynomial 0xA001 reflected, initial 0xFFFF); sent low byte first.</summary>
    public static ushort ComputeCrc(ReadOnlySpan<byte> data)
    {
        ushort crc = 0xFFFF;
        foreach (var value in data)
        {
            crc ^= value;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (ushort)((crc >> 1) ^ 0xA001) : (ushort)(crc >> 1);
            }
        }
        return crc;
    }

    /// <summary>True when the last two bytes are the CRC of the rest (low byte first).</summary>
    public static bool HasValidCrc(ReadOnlySpan<byte> frame)
        => frame.Length >= 4 && BinaryPrimitives.ReadUInt16LittleEndian(frame[^2..]) == ComputeCrc(frame[..^2]);

    /// <summary>Write single coil (0x05): value FF00 = ON, 0000 = OFF. Relay 1 ON at slave 1 is <c>01 05 00 00 FF 00 8C 3A</c>.</summary>
    public static byte[] BuildWriteSingleCoil(byte slaveId, ushort coilAddress, bool on)
        => Build(slaveId, ModbusFunction.WriteSingleCoil, coilAddress, on ? (ushort)0xFF00 : (ushort)0x0000);

    /// <summary>Read coils (0x01).</summary>
    public static byte[] BuildReadCoils(byte slaveId, ushort startAddress, ushort count)
    {
        CheckBitCount(count);
        return Build(slaveId, ModbusFunction.ReadCoils, startAddress, count);
    }

    /// <summary>Read discrete inputs (0x02).</summary>
    public static byte[] BuildReadDiscreteInputs(byte slaveId, ushort startAddress, ushort count)
    {
        CheckBitCount(count);
        return Build(slaveId, ModbusFunction.ReadDiscreteInputs, startAddress, count);
    }

    /// <summary>Write single register (0x06); some relay boards time a pulse from a register value.</summary>
    public static byte[] BuildWriteSingleRegister(byte slaveId, ushort registerAddress, ushort value)
        => Build(slaveId, ModbusFunction.WriteSingleRegister, registerAddress, value);

    /// <summary>Length of the normal answer to <paramref name="request"/> (one built by this class).</summary>
    public static int ExpectedResponseLength(ReadOnlySpan<byte> request)
    {
        CheckRequest(request);
        return (ModbusFunction)request[1] switch
        {
            ModbusFunction.ReadCoils or ModbusFunction.ReadDiscreteInputs => 5 + ByteCountFor(BinaryPrimitives.ReadUInt16BigEndian(request[4..6])),
            ModbusFunction.WriteSingleCoil or ModbusFunction.WriteSingleRegister => 8,
            _ => throw new ArgumentException($"unsupported function 0x{request[1]:X2}", nameof(request)),
        };
    }

    /// <summary>
    /// Looks for the answer to <paramref name="request"/> in <paramref name="received"/>: the first
    /// position holding the slave id, the function (or function | 0x80) and a valid CRC at the
    /// expected length. Bytes before it are noise. Write answers (0x05, 0x06) must echo the request
    /// exactly; read answers must carry the requested byte count.
    /// </summary>
    public static ModbusResponseScan ScanResponse(ReadOnlySpan<byte> received, ReadOnlySpan<byte> request)
    {
        var expectedLength = ExpectedResponseLength(request);
        var slaveId = request[0];
        var function = request[1];
        var isWrite = function is (byte)ModbusFunction.WriteSingleCoil or (byte)ModbusFunction.WriteSingleRegister;
        var firstIncomplete = -1;
        var corrupt = 0;
        var mismatched = 0;
        for (var offset = 0; offset < received.Length; offset++)
        {
            if (received[offset] != slaveId)
            {
                continue;
            }
            var rest = received[offset..];
            if (rest.Length < 2)
            {
                firstIncomplete = firstIncomplete < 0 ? offset : firstIncomplete;
                continue;
            }
            if (rest[1] == (function | 0x80))
            {
                if (rest.Length < 5)
                {
                    firstIncomplete = firstIncomplete < 0 ? offset : firstIncomplete;
                }
                else if (HasValidCrc(rest[..5]))
                {
                    return new ModbusResponseScan(ModbusScanStatus.ExceptionResponse, offset, 5, rest[2], corrupt, mismatched);
                }
                else
                {
                    corrupt++;
                }
                continue;
            }
            if (rest[1] != function)
            {
                continue;
            }
            if (!isWrite && rest.Length >= 3 && rest[2] != expectedLength - 5)
            {
                // A read answer with another byte count: not ours (maybe a late answer to another read).
                var otherLength = 5 + rest[2];
                if (rest.Length >= otherLength && HasValidCrc(rest[..otherLength]))
                {
                    mismatched++;
                }
                continue;
            }
            if (rest.Length < expectedLength)
            {
                firstIncomplete = firstIncomplete < 0 ? offset : firstIncomplete;
                continue;
            }
            var candidate = rest[..expectedLength];
            if (!HasValidCrc(candidate))
            {
                corrupt++;
                continue;
            }
            if (isWrite && !candidate.SequenceEqual(request))
            {
                mismatched++;
                continue;
            }
            return new ModbusResponseScan(ModbusScanStatus.Response, offset, expectedLength, 0, corrupt, mismatched);
        }
        return new ModbusResponseScan(ModbusScanStatus.NeedMoreData, firstIncomplete < 0 ? received.Length : firstIncomplete, 0, 0, corrupt, mismatched);
    }

    /// <summary>The first <paramref name="count"/> bits of a read coils / read discrete inputs answer (LSB of the first data byte first).</summary>
    public static bool[] ParseBits(ReadOnlySpan<byte> responseFrame, int count)
    {
        if (responseFrame.Length < 5 || responseFrame[2] != responseFrame.Length - 5 || responseFrame[2] < ByteCountFor(count))
        {
            throw new ArgumentException("not a complete read-bits answer for that many bits", nameof(responseFrame));
        }
        var bits = new bool[count];
        for (var index = 0; index < count; index++)
        {
            bits[index] = (responseFrame[3 + (index / 8)] & (1 << (index % 8))) != 0;
        }
        return bits;
    }

    /// <summary>The 16-bit value of a write answer (0x05: FF00/0000, 0x06: the register value).</summary>
    public static ushort ParseWrittenValue(ReadOnlySpan<byte> responseFrame) => BinaryPrimitives.ReadUInt16BigEndian(responseFrame[4..6]);

    /// <summary>The standard name of a Modbus exception code.</summary>
    public static string DescribeException(byte code) => code switch
    {
        1 => "illegal function",
        2 => "illegal data address",
        3 => "illegal data value",
        4 => "server device failure",
        5 => "acknowledge",
        6 => "server device busy",
        8 => "memory parity error",
        10 => "gateway path unavailable",
        11 => "gateway target device failed to respond",
        _ => "unknown exception",
    };

    private static byte[] Build(byte slaveId, ModbusFunction function, ushort first, ushort second)
    {
        var frame = new byte[8];
        frame[0] = slaveId;
        frame[1] = (byte)function;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), first);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(4), second);
        BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(6), ComputeCrc(frame.AsSpan(0, 6)));
        return frame;
    }

    private static int ByteCountFor(int bitCount) => (bitCount + 7) / 8;

    private static void CheckBitCount(ushort count)
    {
        if (count is 0 or > MaximumBitCount)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"1 … {MaximumBitCount} bits per read");
        }
    }

    private static void CheckRequest(ReadOnlySpan<byte> request)
    {
        if (request.Length != 8)
        {
            throw new ArgumentException("requests built by ModbusRtuFraming are 8 bytes long", nameof(request));
        }
    }
}
