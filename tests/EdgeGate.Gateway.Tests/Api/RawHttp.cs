using System.Net.Sockets;
using System.Text;

namespace EdgeGate.Gateway.Tests.Api;

/// <summary>What a raw HTTP exchange ended with: the status (null when the server answered nothing), headers and body.</summary>
public sealed record RawHttpResponse(int? Status, string Headers, string Body)
{
    public bool IsJson => Headers.Contains("content-type: application/json", StringComparison.OrdinalIgnoreCase);
}

/// <summary>How a raw request ends on the client's side.</summary>
public enum RawHttpEnding
{
    /// <summary>Everything sent; wait for the answer and the server's close (send <c>Connection: close</c>).</summary>
    Complete,
    /// <summary>Everything sent, then the sending side is shut down (the body ends early).</summary>
    HalfClose,
    /// <summary>Everything sent, then the connection is reset at once (a client that went away).</summary>
    Reset,
}

/// <summary>
/// HTTP/1.1 over a plain TCP socket, for requests no HTTP client would send: broken chunking, wrong
/// lengths, bad header bytes, odd request lines.
/// </summary>
public static class RawHttp
{
    public static async Task<RawHttpResponse> SendAsync(Uri server, byte[] request, RawHttpEnding ending, TimeSpan timeout)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var limit = new CancellationTokenSource(timeout);
        await socket.ConnectAsync(server.Host, server.Port, limit.Token);
        try
        {
            await socket.SendAsync(request, SocketFlags.None, limit.Token);
        }
        catch (SocketException)
        {
            // The server may close early (e.g. on a header it refuses); read what it answered.
        }
        if (ending == RawHttpEnding.Reset)
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
            return new RawHttpResponse(null, "", "");
        }
        if (ending == RawHttpEnding.HalfClose)
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var count = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
                if (count == 0)
                {
                    break;
                }
                received.Write(buffer, 0, count);
            }
        }
        catch (SocketException)
        {
            // Reset by the server after its answer: keep what arrived.
        }
        catch (OperationCanceledException)
        {
            // The server kept the connection open: keep what arrived.
        }
        return Parse(received.ToArray());
    }

    /// <summary>The first response in <paramref name="bytes"/> (chunked bodies decoded).</summary>
    public static RawHttpResponse Parse(byte[] bytes)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (!text.StartsWith("HTTP/1.", StringComparison.Ordinal) || headerEnd < 0)
        {
            return new RawHttpResponse(null, text, "");
        }
        var headers = text[..headerEnd];
        var status = int.Parse(headers.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        var rest = bytes.AsSpan(headerEnd + 4);
        var body = new MemoryStream();
        if (headers.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            while (true)
            {
                var line = rest.IndexOf("\r\n"u8);
                if (line <= 0 || !int.TryParse(Encoding.ASCII.GetString(rest[..line]), System.Globalization.NumberStyles.HexNumber, null, out var size) || size == 0
                    || rest.Length < line + 2 + size)
                {
                    break;
                }
                body.Write(rest.Slice(line + 2, size));
                rest = rest[Math.Min(rest.Length, line + 4 + size)..];
            }
        }
        else
        {
            var lengthAt = headers.IndexOf("content-length:", StringComparison.OrdinalIgnoreCase);
            var length = rest.Length;
            if (lengthAt >= 0)
            {
                var end = headers.IndexOf("\r\n", lengthAt, StringComparison.Ordinal);
                var value = headers[(lengthAt + 15)..(end < 0 ? headers.Length : end)].Trim();
                length = Math.Min(rest.Length, int.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
            }
            body.Write(rest[..length]);
        }
        return new RawHttpResponse(status, headers, Encoding.UTF8.GetString(body.ToArray()));
    }
}
