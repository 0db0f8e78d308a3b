using EdgeGate.Imaging;

namespace EdgeGate.Vision.Tests.OpenCv;

public sealed class H264RoundTripTests
{
    private static readonly H264Settings Camera = new(FrameRate: 15, BitRate: 2_500_000, KeyInterval: 15, ColourMatrix.Bt601);

    [Theory]
    [InlineData(320, 240)]
    [InlineData(201, 157)]
    public void A_smooth_frame_comes_back_close_to_the_original_at_its_own_size(int width, int height)
    {
        var frame = Scene(width, height, noiseSeed: null);
        using var decoded = BgrImage.Create(width, height);

        var bytes = H264RoundTrip.LastFrame(frame, 1, width, height, Camera, decoded.AsSpan());

        Assert.True(bytes > 0);
        var (mean, _) = Difference(frame, decoded.Pixels);
        Assert.True(mean < 3.0, $"mean difference {mean:F2}");
    }

    [Fact]
    public void The_same_frames_and_settings_give_the_same_pixels()
    {
        var clip = Clip(3, 320, 240);
        using var first = BgrImage.Create(320, 240);
        using var again = BgrImage.Create(320, 240);

        var firstBytes = H264RoundTrip.LastFrame(clip, 3, 320, 240, Camera, first.AsSpan());
        var againBytes = H264RoundTrip.LastFrame(clip, 3, 320, 240, Camera, again.AsSpan());

        Assert.Equal(firstBytes, againBytes);
        Assert.Equal(first.Pixels.ToArray(), again.Pixels.ToArray());
    }

    [Fact]
    public void A_lower_bit_rate_codes_sensor_noise_in_fewer_bytes_and_further_from_the_scene()
    {
        const int width = 640;
        const int height = 360;
        var clip = Clip(8, width, height);
        var lastFrame = clip.AsSpan(7 * width * height * 3);
        using var high = BgrImage.Create(width, height);
        using var low = BgrImage.Create(width, height);

        var highBytes = H264RoundTrip.LastFrame(clip, 8, width, height, Camera with { BitRate = 4_000_000 }, high.AsSpan());
        var lowBytes = H264RoundTrip.LastFrame(clip, 8, width, height, Camera with { BitRate = 500_000 }, low.AsSpan());

        Assert.True(lowBytes < highBytes, $"{lowBytes} bytes at 0.5 Mbit/s, {highBytes} at 4");
        // Eight frames at 15 per second are about half a second of the stream: its bytes follow the rate
        // (the key frame and the 600 ms buffer allow more for a short clip, never many times more).
        Assert.InRange(lowBytes, 500_000 / 8 / 15 * 8 / 4, 500_000 / 8 / 15 * 8 * 4);
        Assert.True(Difference(lastFrame, low.Pixels).Mean > Difference(lastFrame, high.Pixels).Mean);
    }

    [Fact]
    public void The_colour_matrix_of_the_stream_shows_when_it_is_converted_back_as_bt601()
    {
        var frame = Scene(320, 240, noiseSeed: null);
        using var bt601 = BgrImage.Create(320, 240);
        using var bt709 = BgrImage.Create(320, 240);

        H264RoundTrip.LastFrame(frame, 1, 320, 240, Camera, bt601.AsSpan());
        H264RoundTrip.LastFrame(frame, 1, 320, 240, Camera with { Matrix = ColourMatrix.Bt709 }, bt709.AsSpan());

        // The capture converts every stream back with BT.601: a BT.709 stream's colours shift.
        Assert.True(Difference(frame, bt709.Pixels).Mean > Difference(frame, bt601.Pixels).Mean + 1);
    }

    [Fact]
    public void Frames_shorter_than_their_count_or_a_destination_of_another_size_are_refused()
    {
        var frame = Scene(64, 48, noiseSeed: null);
        using var destination = BgrImage.Create(64, 48);
        using var other = BgrImage.Create(32, 48);

        Assert.Throws<ArgumentException>(() => H264RoundTrip.LastFrame(frame, 2, 64, 48, Camera, destination.AsSpan()));
        Assert.Throws<ArgumentException>(() => H264RoundTrip.LastFrame(frame, 1, 64, 48, Camera, other.AsSpan()));
        Assert.Throws<ArgumentOutOfRangeException>(() => H264RoundTrip.LastFrame(frame, 1, 64, 48, Camera with { BitRate = 0 }, destination.AsSpan()));
    }

    /// <summary>A coloured gradient with a few edges, with sensor-like noise when seeded.</summary>
    private static byte[] Scene(int width, int height, int? noiseSeed)
    {
        var random = noiseSeed is { } seed ? new Random(seed) : null;
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var offset = ((y * width) + x) * 3;
                var edge = (x / 40 % 2 == 0) ? 30 : 0;
                var noise = random?.Next(-6, 7) ?? 0;
                pixels[offset] = (byte)Math.Clamp((60 + (x * 120 / width) + edge) + noise, 0, 255);
                pixels[offset + 1] = (byte)Math.Clamp((80 + (y * 100 / height)) + noise, 0, 255);
                pixels[offset + 2] = (byte)Math.Clamp((180 - (x * 60 / width) + edge) + noise, 0, 255);
            }
        }
        return pixels;
    }

    private static byte[] Clip(int count, int width, int height) =>
        [.. Enumerable.Range(0, count).SelectMany(frame => Scene(width, height, noiseSeed: frame + 1))];

    private static (double Mean, int Maximum) Difference(ReadOnlySpan<byte> original, ReadOnlySpan<byte> decoded)
    {
        var total = 0L;
        var maximum = 0;
        for (var i = 0; i < original.Length; i++)
        {
            var difference = Math.Abs(original[i] - decoded[i]);
            total += difference;
            maximum = Math.Max(maximum, difference);
        }
        return ((double)total / original.Length, maximum);
    }
}
