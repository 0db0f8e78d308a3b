using System.Net.Http.Headers;
using System.Text;

namespace EdgeGate.Gateway.Tests.Api;

/// <summary>A request an HTTP client can send: method, path with query, body bytes and content type, token or not.</summary>
public sealed record FuzzedHttpRequest(string Mutation, HttpMethod Method, string PathAndQuery, byte[]? Body, string? ContentType, bool WithToken)
{
    public HttpRequestMessage ToMessage(string token)
    {
        var message = new HttpRequestMessage(Method, PathAndQuery);
        if (WithToken)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }
        return message;
    }
}

/// <summary>A request only a raw socket sends: the bytes and how the client ends the exchange.</summary>
public sealed record FuzzedRawRequest(string Mutation, byte[] Bytes, RawHttpEnding Ending);

/// <summary>
/// A seeded generator of malformed requests to the local API: every route, bad query values, JSON
/// bodies broken every way (wrong types, invalid UTF-8, unpaired surrogates, huge fields, duplicate
/// fields, deep nesting, truncation, wrong content types), wrong methods and tokens; and raw requests
/// with broken chunking, wrong lengths, bad header bytes and odd request lines. It only names the
/// fuzzer's own persons and cards, and never sends a confirmed unlock to a real door.
/// </summary>
public sealed class HttpRequestFuzzer(int seed, IReadOnlyList<string> personIds, IReadOnlyList<string> cardUids, string realDoor)
{
    private static readonly string[] OddValues =
    [
        "", "abc", "-1", "0", "1", "500", "501", "99999999999999999999", "1e3", "%00", "%FF", "%C0%AF", "%ED%A0%80", "%", "%zz", "a%20b",
        "'%20OR%201%3D1%20--", "..%2F..%2Fetc", "%E6%BC%A2%F0%9F%98%80", "active", "ACTIVE", "deregistered", "alert", "event", "1,2", " 5 ",
    ];

    private static readonly string[] OddDays =
        ["2027-13-45", "9999-12-31", "0001-01-01", "", "2027-06-30T00:00:00Z", "27-6-30", "2000-01-01", "2027-02-29", "2028-02-29", "yesterday", "٢٠٢٧-٠٦-٣٠"];

    private readonly Random random = new(seed);

    private string Person() => random.Next(6) == 0 ? Junk() : personIds[random.Next(personIds.Count)];

    private string Card() => random.Next(6) == 0 ? Junk() : cardUids[random.Next(cardUids.Count)];

    private string Junk() => random.Next(5) switch
    {
        0 => "nobody",
        1 => "%E2%82",
        2 => new string('x', random.Next(1, 3000)),
        3 => "a%2Fb",
        _ => "%F0%9F%98%80",
    };

    private string Value() => random.Next(8) == 0 ? new string('9', random.Next(50, 6000)) : OddValues[random.Next(OddValues.Length)];

    public FuzzedHttpRequest NextClientRequest()
    {
        var withToken = random.Next(12) != 0;
        var roll = random.Next(100);
        if (roll < 35)
        {
            return new FuzzedHttpRequest("query", HttpMethod.Get, GetPath(), null, null, withToken);
        }
        if (roll < 42)
        {
            var method = new[] { HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Options, HttpMethod.Head, new HttpMethod("FROB") }[random.Next(6)];
            return new FuzzedHttpRequest("wrong method", method, random.Next(2) == 0 ? GetPath() : PostPath().Path, null, null, withToken);
        }
        if (roll < 45)
        {
            return new FuzzedHttpRequest("unknown path", random.Next(2) == 0 ? HttpMethod.Get : HttpMethod.Post,
                new[] { "/api/v1/", "/api/v1/nothing/here", "/api/v2/persons", "/console/../../etc/passwd", "/console/nothing.js", "/api/v1/persons/x/y/z" }[random.Next(6)],
                null, null, withToken);
        }
        var (path, valid) = PostPath();
        var (mutation, body, contentType) = Body(valid);
        return new FuzzedHttpRequest(mutation, HttpMethod.Post, path, body, contentType, withToken);
    }

    private string GetPath()
    {
        string Query(params string[] names) =>
            "?" + string.Join("&", names.Where(_ => random.Next(3) != 0).Select(name => $"{name}={Value()}")) + (random.Next(8) == 0 ? $"&{names[0]}={Value()}" : "");
        return random.Next(10) switch
        {
            0 => "/api/v1/decisions/recent" + Query("limit"),
            1 => "/api/v1/cameras",
            2 => $"/api/v1/cameras/{Junk()}/snapshot.jpg",
            3 => "/api/v1/persons" + Query("status", "q", "limit", "offset"),
            4 => $"/api/v1/persons/{Person()}",
            5 => "/api/v1/cards" + Query("person", "status"),
            6 or 7 => "/api/v1/events" + Query("after", "lane", "type", "q", "limit"),
            8 => "/api/v1/doors" + Query("x"),
            _ => "/api/v1/health" + Query("x"),
        };
    }

    /// <summary>A POST route and the valid JSON body for it (null: the route takes none).</summary>
    private (string Path, string? Valid) PostPath()
    {
        var person = Person();
        return random.Next(8) switch
        {
            0 => ($"/api/v1/persons/{person}/renew", $$"""{"until":"{{DateTime.UtcNow.AddDays(random.Next(1, 400)):yyyy-MM-dd}}"}"""),
            1 => ($"/api/v1/persons/{person}/suspend", null),
            2 => ($"/api/v1/persons/{person}/reinstate", null),
            3 => ($"/api/v1/persons/{person}/deregister", $$"""{"confirm":"{{person}}"}"""),
            4 => ($"/api/v1/cards/{Card()}/renew", $$"""{"until":"{{DateTime.UtcNow.AddDays(random.Next(1, 400)):yyyy-MM-dd}}"}"""),
            5 => ($"/api/v1/cards/{Card()}/revoke", null),
            6 => ("/api/v1/doors/fuzz-door/unlock", """{"reason":"fuzz","confirm":true,"operator":"fuzzer"}"""),
            // The real door: never a confirmed request.
            _ => ($"/api/v1/doors/{realDoor}/unlock", """{"reason":"fuzz","confirm":"yes","operator":"fuzzer"}"""),
        };
    }

    private (string Mutation, byte[]? Body, string? ContentType) Body(string? valid)
    {
        var json = valid ?? """{"until":"2027-06-30","confirm":"x"}""";
        const string Json = "application/json";
        byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
        var field = json[2..json.IndexOf('"', 2)];
        switch (random.Next(18))
        {
            case 0:
                return ("valid", valid is null ? null : Utf8(valid), Json);
            case 1:
                return ("wrong type", Utf8($$"""{"{{field}}":{{new[] { "5", "true", "null", "[]", "{}", "1e999", "-0", "[\"2027-06-30\"]" }[random.Next(8)]}}}"""), Json);
            case 2:
                return ("odd day", Utf8($$"""{"{{field}}":"{{OddDays[random.Next(OddDays.Length)]}}"}"""), Json);
            case 3:
                var bad = new[] { new byte[] { 0xFF }, [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82] }[random.Next(4)];
                var at = json.IndexOf('"', json.IndexOf(':', StringComparison.Ordinal)) + 1;
                return ("invalid UTF-8 in a value", [.. Utf8(json[..at]), .. bad, .. Utf8(json[at..])], Json);
            case 4:
                return ("unpaired surrogate escape", Utf8(json.Insert(json.IndexOf('"', json.IndexOf(':', StringComparison.Ordinal)) + 1, "\\ud800")), Json);
            case 5:
                return ("huge field", Utf8($$"""{"{{field}}":"{{new string('7', random.Next(1000, 40_000))}}"}"""), Json);
            case 6:
                return ("duplicate field", Utf8(json.Insert(1, $"\"{field}\":\"other\",")), Json);
            case 7:
                var depth = random.Next(10, 2000);
                return ("deeply nested", Utf8($$"""{"{{field}}":{{new string('[', depth)}}1{{new string(']', depth)}}}"""), Json);
            case 8:
                return ("truncated", Utf8(json[..random.Next(1, json.Length)]), Json);
            case 9:
                return ("not an object", Utf8(new[] { "null", "[]", "\"until\"", "42", "true" }[random.Next(5)]), Json);
            case 10:
                return ("empty body", [], Json);
            case 11:
                return ("no content type", Utf8(json), null);
            case 12:
                return ("wrong content type", Utf8(json), new[] { "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/jsonx" }[random.Next(5)]);
            case 13:
                return ("UTF-16 body", Encoding.Unicode.GetBytes(json), "application/json; charset=utf-16");
            case 14:
                return ("byte order mark", [0xEF, 0xBB, 0xBF, .. Utf8(json)], Json);
            case 15:
                return ("trailing garbage", Utf8(json + new[] { " x", "}", ",", "/* c */", "\u0000" }[random.Next(5)]), Json);
            case 16:
                return ("random bytes", RandomBytes(), Json);
            default:
                return ("comments and trailing commas", Utf8("{/* note */ " + json[1..^1] + ",}"), Json);
        }
    }

    private byte[] RandomBytes()
    {
        var bytes = new byte[random.Next(1, 3000)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A request with a broken framing, header or request line, as raw bytes.</summary>
    public FuzzedRawRequest NextRawRequest(string host, string token)
    {
        var auth = $"Authorization: Bearer {token}\r\n";
        var (path, valid) = PostPath();
        var body = valid ?? "{}";
        string Post(string headers) => $"POST {path} HTTP/1.1\r\nHost: {host}\r\n{auth}Content-Type: application/json\r\nConnection: close\r\n{headers}\r\n";
        byte[] Ascii(string text) => Encoding.Latin1.GetBytes(text);
        switch (random.Next(16))
        {
            case 0:
            case 1:
                var chunks = new[]
                {
                    $"zz\r\n{body}\r\n0\r\n\r\n",
                    $"{body.Length + 5:X}\r\n{body}\r\n0\r\n\r\n",
                    $"FFFFFFFFFFFFFFFFFF\r\n{body}\r\n0\r\n\r\n",
                    $"-1\r\n{body}\r\n0\r\n\r\n",
                    $"{body.Length:X};ext=\u0001\r\n{body}\r\n0\r\n\r\n",
                    $"{body.Length:X}\r\n{body}0\r\n\r\n",
                    $"{body.Length:X}\r\n{body}\r\n",
                    $"{body.Length:X}\n{body}\n0\n\n",
                    $"{body.Length:X} \r\n{body}\r\n0\r\n\r\n",
                };
                var choice = random.Next(chunks.Length);
                return new FuzzedRawRequest($"broken chunking {choice}", Ascii(Post("Transfer-Encoding: chunked\r\n") + chunks[choice]), RawHttpEnding.HalfClose);
            case 2:
                return new FuzzedRawRequest("body shorter than Content-Length", Ascii(Post($"Content-Length: {body.Length + random.Next(1, 5000)}\r\n") + body), RawHttpEnding.HalfClose);
            case 3:
                return new FuzzedRawRequest("client gone mid-body", Ascii(Post($"Content-Length: {body.Length + 100}\r\n") + body[..(body.Length / 2)]), RawHttpEnding.Reset);
            case 4:
                var lengths = new[] { "abc", "-1", "1e3", "99999999999999999999", $"{body.Length}, {body.Length + 1}", $"{body.Length}\r\nContent-Length: {body.Length + 1}" };
                return new FuzzedRawRequest("bad Content-Length", Ascii(Post($"Content-Length: {lengths[random.Next(lengths.Length)]}\r\n") + body), RawHttpEnding.Complete);
            case 5:
                return new FuzzedRawRequest("Content-Length and chunked", Ascii(Post($"Content-Length: {body.Length}\r\nTransfer-Encoding: chunked\r\n") + body), RawHttpEnding.HalfClose);
            case 6:
                var codings = new[] { "gzip", "chunked, gzip", "identity", "x" };
                return new FuzzedRawRequest("unknown transfer coding", Ascii(Post($"Transfer-Encoding: {codings[random.Next(codings.Length)]}\r\n") + body), RawHttpEnding.HalfClose);
            case 7:
                var headers = new[] { "Bad Header: x\r\n", "X-Y:\u0001\r\n", "NoColon\r\n", " folded: x\r\n", "X-Latin: \u00e9\u00ff\r\n", ":empty\r\n", "X-Nul: a\u0000b\r\n" };
                return new FuzzedRawRequest("bad header", Ascii(Post($"{headers[random.Next(headers.Length)]}Content-Length: {body.Length}\r\n") + body), RawHttpEnding.Complete);
            case 8:
                return new FuzzedRawRequest("huge header", Ascii(Post($"X-Big: {new string('h', 20_000)}\r\nContent-Length: {body.Length}\r\n") + body), RawHttpEnding.Complete);
            case 9:
                var lines = new[]
                {
                    "GARBAGE", "GET /api/v1/persons HTTP/9.9", "GET  HTTP/1.1", "GET /api/v1/%ZZ HTTP/1.1", "GET /api/v1/persons/\u00ff\u00fe HTTP/1.1",
                    $"GET /api/v1/persons/{new string('a', 9000)} HTTP/1.1", "GET http://elsewhere/api/v1/persons HTTP/1.1", "GET /api/v1/persons/%00 HTTP/1.1",
                    "GET /api/v1/persons?q=%ED%A0%80 HTTP/1.1", "get /api/v1/persons HTTP/1.1", "GET /api/v1/persons HTTP/1.1 extra",
                };
                return new FuzzedRawRequest("bad request line", Ascii($"{lines[random.Next(lines.Length)]}\r\nHost: {host}\r\n{auth}Connection: close\r\n\r\n"), RawHttpEnding.Complete);
            case 10:
                return new FuzzedRawRequest("no Host", Ascii($"GET /api/v1/persons HTTP/1.1\r\n{auth}Connection: close\r\n\r\n"), RawHttpEnding.Complete);
            case 11:
                return new FuzzedRawRequest("HTTP/1.0", Ascii($"POST {path} HTTP/1.0\r\n{auth}Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}"), RawHttpEnding.Complete);
            case 12:
                return new FuzzedRawRequest("Expect: 100-continue", Ascii(Post($"Expect: 100-continue\r\nContent-Length: {body.Length}\r\n") + body), RawHttpEnding.Complete);
            case 13:
                return new FuzzedRawRequest("random bytes", RandomBytes(), RawHttpEnding.HalfClose);
            case 14:
                return new FuzzedRawRequest("body after GET", Ascii($"GET /api/v1/persons HTTP/1.1\r\nHost: {host}\r\n{auth}Connection: close\r\nContent-Length: 5\r\n\r\n\u00ff\u00fe\u0000xx"), RawHttpEnding.Complete);
            default:
                return new FuzzedRawRequest("bad token bytes", Ascii($"GET /api/v1/persons HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer \u00ff{token}\r\nConnection: close\r\n\r\n"), RawHttpEnding.Complete);
        }
    }
}
