using System.Runtime.CompilerServices;
using System.Text;

namespace EdgeGate.Devices.Readers;

/// <summary>
/// Splits a reader's byte stream into lines. CR, LF and ETX (0x03) end a line; STX (0x02) starts
/// one (discarding anything before it, as STX/ETX-framed readers send). Empty lines are skipped.
/// A line longer than the limit is returned cut, flagged as too long. Ends with the stream.
/// </summary>
internal static class ReaderLines
{
    internal readonly record struct Line(byte[] Bytes, bool TooLong)
    {
        /// <summary>The bytes as text, control and non-ASCII bytes shown as \xNN.</summary>
        public string Printable
        {
            get
            {
                var builder = new StringBuilder(Bytes.Length);
                foreach (var value in Bytes)
                {
                    if (value is >= 0x20 and < 0x7F)
                    {
                        builder.Append((char)value);
                    }
                    else
                    {
                        builder.Append(@"\x").Append(value.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                    }
                }
                return builder.ToString();
            }
        }
    }

    internal static async IAsyncEnumerable<Line> ReadAsync(Stream stream, int maximumLength, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[256];
        var line = new List<byte>(64);
        var tooLong = false;
        while (true)
        {
            var count = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (count == 0)
            {
                if (line.Count > 0)
                {
                    yield return new Line(line.ToArray(), tooLong);
                }
                yield break;
            }
            for (var index = 0; index < count; index++)
            {
                var value = buffer[index];
                switch (value)
                {
                    case (byte)'\r' or (byte)'\n' or 0x03:
                        if (line.Count > 0 || tooLong)
                        {
                            yield return new Line(line.ToArray(), tooLong);
                        }
                        line.Clear();
                        tooLong = false;
                        break;
                    case 0x02:
                        line.Clear();
                        tooLong = false;
                        break;
                    default:
                        if (line.Count < maximumLength)
                        {
                            line.Add(value);
                        }
                        else
                        {
                            tooLong = true;
                        }
                        break;
                }
            }
        }
    }
}
