using EdgeGate.Devices.Readers;

namespace EdgeGate.Devices.Tests.Readers;

public sealed class Wiegand26Tests
{
    // Frames worked out by hand from the H10301 layout (P + 8 facility + 16 number + P).
    [Theory]
    [InlineData("10111101110110010011011101", 123, 45678, "08106606")]
    [InlineData("10000000100000000000000010", 1, 1, "00065537")]
    [InlineData("01111111111111111111111111", 255, 65535, "16777215")]
    [InlineData("00000000000000000000000001", 0, 0, "00000000")]
    public void Known_frames_decode_to_facility_and_number(string bits, int facility, int number, string uid)
    {
        var result = Wiegand26.Decode(bits.Select(c => c == '1').ToArray());

        Assert.True(result.IsValid, result.RejectionReason);
        Assert.Equal((byte)facility, result.Frame!.Facility);
        Assert.Equal((ushort)number, result.Frame.Number);
        Assert.Equal(uid, result.Frame.Uid);
        Assert.Equal(Convert.ToUInt32(bits, 2), Wiegand26.Encode((byte)facility, (ushort)number));
    }

    [Fact]
    public void Flipping_the_even_parity_bit_is_rejected()
    {
        var result = Wiegand26.Decode(Convert.ToUInt32("00111101110110010011011101", 2));

        Assert.False(result.IsValid);
        Assert.Contains("even parity", result.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Flipping_the_odd_parity_bit_is_rejected()
    {
        var result = Wiegand26.Decode(Convert.ToUInt32("10111101110110010011011100", 2));

        Assert.False(result.IsValid);
        Assert.Contains("odd parity", result.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_flipped_data_bit_is_always_caught()
    {
        var good = Wiegand26.Encode(123, 45678);
        for (var bit = 1; bit < 25; bit++)
        {
            Assert.False(Wiegand26.Decode(good ^ (1u << bit)).IsValid, $"flip of bit {bit} not caught");
        }
    }

    [Fact]
    public void Wrong_lengths_are_rejected()
    {
        Assert.False(Wiegand26.Decode(new bool[25]).IsValid);
        Assert.False(Wiegand26.Decode(1u << 26).IsValid);
    }
}
