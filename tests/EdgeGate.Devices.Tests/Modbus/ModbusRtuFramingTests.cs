using EdgeGate.Devices.Modbus;

namespace EdgeGate.Devices.Tests.Modbus;

public sealed class ModbusRtuFramingTests
{
    private static byte[] Hex(string text) => Convert.FromHexString(text.Replace(" ", "", StringComparison.Ordinal));

    [Fact]
    public void Relay_one_on_and_off_at_slave_one_match_the_published_frames()
    {
        Assert.Equal(Hex("01 05 00 00 FF 00 8C 3A"), ModbusRtuFraming.BuildWriteSingleCoil(1, 0, on: true));
        Assert.Equal(Hex("01 05 00 00 00 00 CD CA"), ModbusRtuFraming.BuildWriteSingleCoil(1, 0, on: false));
    }

    [Theory]
    // Reference values of CRC-16/MODBUS: the catalogue check value and frames from device manuals.
    [InlineData("313233343536373839", 0x4B37)]
    [InlineData("010300000001", 0x0A84)]
    [InlineData("01050000FF00", 0x3A8C)]
    [InlineData("", 0xFFFF)]
    public void Crc_matches_reference_values(string data, int expected)
    {
        Assert.Equal((ushort)expected, ModbusRtuFraming.ComputeCrc(Hex(data)));
    }

    [Fact]
    public void Read_requests_and_register_write_are_built_with_crc()
    {
        Assert.Equal(Hex("01 01 00 00 00 08 3D CC"), ModbusRtuFraming.BuildReadCoils(1, 0, 8));
        Assert.Equal(Hex("01 02 00 00 00 08 79 CC"), ModbusRtuFraming.BuildReadDiscreteInputs(1, 0, 8));
        var register = ModbusRtuFraming.BuildWriteSingleRegister(2, 1, 0x0605);
        Assert.Equal(Hex("02 06 00 01 06 05"), register[..6]);
        Assert.True(ModbusRtuFraming.HasValidCrc(register));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModbusRtuFraming.BuildReadCoils(1, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModbusRtuFraming.BuildReadCoils(1, 0, 2001));
    }

    [Fact]
    public void Write_coil_echo_is_a_response()
    {
        var request = ModbusRtuFraming.BuildWriteSingleCoil(1, 0, true);

        var scan = ModbusRtuFraming.ScanResponse(request, request);

        Assert.Equal(ModbusScanStatus.Response, scan.Status);
        Assert.Equal((0, 8), (scan.Offset, scan.Length));
    }

    [Fact]
    public void Partial_answer_needs_more_data()
    {
        var request = ModbusRtuFraming.BuildWriteSingleCoil(1, 0, true);

        var scan = ModbusRtuFraming.ScanResponse(request.AsSpan(0, 5), request);

        Assert.Equal(ModbusScanStatus.NeedMoreData, scan.Status);
        Assert.Equal(0, scan.Offset);
    }

    [Fact]
    public void Echo_that_differs_is_not_taken_for_the_answer()
    {
        var request = ModbusRtuFraming.BuildWriteSingleCoil(1, 0, true);
        var otherEcho = ModbusRtuFraming.BuildWriteSingleCoil(1, 0, false);

        var scan = ModbusRtuFraming.ScanResponse(otherEcho, request);

        Assert.Equal(ModbusScanStatus.NeedMoreData, scan.Status);
        Assert.Equal(1, scan.MismatchedFrames);
    }

    [Fact]
    public void Late_answer_to_another_request_is_skipped_and_the_real_answer_found_after_it()
    {
        var request = ModbusRtuFraming.BuildWriteSingleCoil(1, 2, true);
        var received = ModbusRtuFraming.BuildWriteSingleCoil(1, 0, false).Concat(request).ToArray();

        var scan = ModbusRtuFraming.ScanResponse(received, request);

        Assert.Equal(ModbusScanStatus.Response, scan.Status);
        Assert.Equal(8, scan.Offset);
        Assert.Equal(1, scan.MismatchedFrames);
    }

    [Theory]
    [InlineData("00")]
    [InlineData("FF FF 00")]
    [InlineData("01 05 00")]          // looks like a header, CRC will not match
    [InlineData("01 01 01 05 05 01")]
    public void Leading_noise_is_skipped_by_crc_resync(string noise)
    {
        var request = ModbusRtuFraming.BuildWriteSingleCoil(1, 0, true);
        var received = Hex(noise).Concat(request).ToArray();

        var scan = ModbusRtuFraming.ScanResponse(received, request);

        Assert.Equal(ModbusScanStatus.Response, scan.Status);
        Assert.Equal(Hex(noise).Length, scan.Offset);
        Assert.True(received.AsSpan(scan.Offset, scan.Length).SequenceEqual(request));
    }

    [Fact]
    public void Corrupted_crc_is_counted_and_not_accepted()
    {
        var request = ModbusRtuFraming.BuildWriteSingleCoil(1, 0, true);
        var corrupted = request.ToArray();
        corrupted[^1] ^= 0x01;

        var scan = ModbusRtuFraming.ScanResponse(corrupted, request);

        Assert.Equal(ModbusScanStatus.NeedMoreData, scan.Status);
        Assert.Equal(1, scan.CorruptFrames);
    }

    [Fact]
    public void Exception_response_is_recognised_with_its_code()
    {
        var request = ModbusRtuFraming.BuildWriteSingleCoil(1, 0x20, true);
        var body = Hex("01 85 02");
        var crc = ModbusRtuFraming.ComputeCrc(body);
        var exception = body.Concat(new[] { (byte)crc, (byte)(crc >> 8) }).ToArray();
        Assert.Equal(Hex("01 85 02 C3 51"), exception);

        var scan = ModbusRtuFraming.ScanResponse(Hex("AA").Concat(exception).ToArray(), request);

        Assert.Equal(ModbusScanStatus.ExceptionResponse, scan.Status);
        Assert.Equal(2, scan.ExceptionCode);
        Assert.Equal((1, 5), (scan.Offset, scan.Length));
        Assert.Equal("illegal data address", ModbusRtuFraming.DescribeException(2));
    }

    [Fact]
    public void Answer_from_another_slave_is_ignored()
    {
        var request = ModbusRtuFraming.BuildWriteSingleCoil(1, 0, true);
        var fromSlaveTwo = ModbusRtuFraming.BuildWriteSingleCoil(2, 0, true);

        Assert.Equal(ModbusScanStatus.NeedMoreData, ModbusRtuFraming.ScanResponse(fromSlaveTwo, request).Status);
    }

    [Fact]
    public void Read_coils_answer_is_parsed_least_significant_bit_first()
    {
        var request = ModbusRtuFraming.BuildReadCoils(1, 0, 10);
        var body = Hex("01 01 02 05 02");
        var crc = ModbusRtuFraming.ComputeCrc(body);
        var answer = body.Concat(new[] { (byte)crc, (byte)(crc >> 8) }).ToArray();

        var scan = ModbusRtuFraming.ScanResponse(answer, request);

        Assert.Equal(ModbusScanStatus.Response, scan.Status);
        Assert.Equal(7, ModbusRtuFraming.ExpectedResponseLength(request));
        var bits = ModbusRtuFraming.ParseBits(answer, 10);
        Assert.Equal([true, false, true, false, false, false, false, false, false, true], bits);
    }

    [Fact]
    public void Read_answer_with_another_byte_count_is_not_ours()
    {
        var request = ModbusRtuFraming.BuildReadCoils(1, 0, 16);
        var body = Hex("01 01 01 05");
        var crc = ModbusRtuFraming.ComputeCrc(body);
        var shortAnswer = body.Concat(new[] { (byte)crc, (byte)(crc >> 8) }).ToArray();

        var scan = ModbusRtuFraming.ScanResponse(shortAnswer, request);

        Assert.Equal(ModbusScanStatus.NeedMoreData, scan.Status);
        Assert.Equal(1, scan.MismatchedFrames);
    }

    [Fact]
    public void Pure_garbage_can_all_be_dropped()
    {
        var request = ModbusRtuFraming.BuildWriteSingleCoil(1, 0, true);

        var scan = ModbusRtuFraming.ScanResponse(Hex("FF 00 AA 55"), request);

        Assert.Equal(ModbusScanStatus.NeedMoreData, scan.Status);
        Assert.Equal(4, scan.Offset);
    }
}
