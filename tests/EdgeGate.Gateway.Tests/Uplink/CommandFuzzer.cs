using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGate.Uplink;

namespace EdgeGate.Gateway.Tests.Uplink;

/// <summary>One generated command: the topic's name, the payload bytes and what was done to it.</summary>
internal sealed record FuzzedCommand(string Name, byte[] Payload, string Mutation);

/// <summary>
/// A seeded generator of malformed platform commands. It starts from a valid command of each name and
/// breaks it one way: random bytes, invalid UTF-8 in a value or anywhere, unpaired surrogate escapes,
/// truncation, deep nesting, wrong types, huge strings, duplicate fields, null where an object belongs,
/// missing and unknown fields, odd numbers and timestamps, raw control characters. A few stay valid.
/// Persons, cards and doors are the fuzzer's own (ids <c>fz-…</c>, door <see cref="FuzzDoor"/>), so a
/// command that happens to be valid never touches the gate's resident or opens its door.
/// </summary>
internal sealed class CommandFuzzer(int seed, string modelId, int templateLength)
{
    public const string FuzzDoor = "fuzz-door";

    public static readonly string[] Names =
        ["enrol", "update_person", "deregister", "card_issue", "card_renew", "card_revoke", "unlock", "config_reload", "gallery_sync"];

    private static readonly string[] UnknownNames = ["launch", "UNLOCK", "x%y", "unlock ", "é"];

    private static readonly byte[][] BadUtf8 =
    [
        [0xFF], [0xFE, 0xFF], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
    ];

    private static readonly string[] OddTimestamps =
    [
        "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "9999-12-31T23:59:59Z", "2026-02-30T00:00:00Z", "", "2026-11-23", "+275760-09-13T00:00:00Z",
        "2026-11-23T08:00:00", "tomorrow", "2026-11-23T25:61:00Z", "0000-00-00T00:00:00Z", "2026-11-23T08:00:00.1234567890123Z", "1e10",
    ];

    private static readonly string[] OddNumbers =
        ["1e999", "-1e999", "-0", "1.5", "9223372036854775808", "-9223372036854775809", "1e-999", "0.0000001", "123456789012345678901234567890", "1E2"];

    private readonly Random random = new(seed);
    private int counter;

    public FuzzedCommand Next()
    {
        var index = counter++;
        var roll = random.Next(100);
        if (roll < 2)
        {
            return new FuzzedCommand(UnknownNames[random.Next(UnknownNames.Length)], Bytes(Body("unlock", index)), "unknown name");
        }
        var name = Names[random.Next(Names.Length)];
        var body = Body(name, index);
        return roll switch
        {
            < 6 => new FuzzedCommand(name, Bytes(body), "valid"),
            < 14 => new FuzzedCommand(name, RandomBytes(), "random bytes"),
            < 24 => new FuzzedCommand(name, InsertIntoString(Bytes(body), BadUtf8[random.Next(BadUtf8.Length)]), "invalid UTF-8 in a value"),
            < 28 => new FuzzedCommand(name, InsertAnywhere(Bytes(body), BadUtf8[random.Next(BadUtf8.Length)]), "invalid UTF-8 anywhere"),
            < 36 => new FuzzedCommand(name, InsertIntoString(Bytes(body), Encoding.ASCII.GetBytes(random.Next(2) == 0 ? "\\ud800" : "\\udfff\\u0041")), "unpaired surrogate escape"),
            < 43 => new FuzzedCommand(name, Truncate(Bytes(body)), "truncated"),
            < 47 => new FuzzedCommand(name, RawReplace(body, Nested(random.Next(2, 3000))), "deeply nested"),
            < 60 => new FuzzedCommand(name, Bytes(Replace(body, WrongType())), "wrong type"),
            < 64 => new FuzzedCommand(name, Bytes(Replace(body, JsonValue.Create(new string((char)random.Next('a', 'z'), random.Next(300, 300_000))))), "huge string"),
            < 69 => new FuzzedCommand(name, DuplicateField(body), "duplicate field"),
            < 75 => NullObject(name, body),
            < 80 => new FuzzedCommand(name, Bytes(RemoveField(body)), "missing field"),
            < 83 => new FuzzedCommand(name, Bytes(AddUnknownField(body)), "unknown field"),
            < 88 => new FuzzedCommand(name, RawReplace(body, OddNumbers[random.Next(OddNumbers.Length)]), "odd number"),
            < 94 => new FuzzedCommand(name, Bytes(Replace(body, JsonValue.Create(OddTimestamps[random.Next(OddTimestamps.Length)]))), "odd timestamp"),
            _ => new FuzzedCommand(name, InsertIntoString(Bytes(body), [(byte)random.Next(0, 0x20)]), "raw control character"),
        };
    }

    /// <summary>A valid command of <paramref name="name"/> (the fuzzer's own records).</summary>
    private JsonObject Body(string name, int index)
    {
        var person = $"fz-{random.Next(20)}";
        var soon = UplinkMessages.Timestamp(DateTimeOffset.UtcNow.AddSeconds(30));
        var body = new JsonObject { ["v"] = 1, ["id"] = $"fz-{seed}-{index}" };
        switch (name)
        {
            case "enrol":
                body["personId"] = person;
                body["displayName"] = "Fuzz Resident";
                body["unit"] = "F-1";
                body["category"] = "resident";
                body["validFrom"] = "2026-01-01T00:00:00Z";
                body["validUntil"] = "2030-01-01T00:00:00Z";
                body["watchListed"] = false;
                body["consentAt"] = "2026-01-01T00:00:00Z";
                body["templates"] = new JsonArray(new JsonObject
                {
                    ["modelId"] = modelId,
                    ["embedding"] = new JsonArray(Enumerable.Range(0, templateLength).Select(i => (JsonNode)JsonValue.Create(((i * 7 + index) % 11) - 5)).ToArray()),
                    ["quality"] = 0.9,
                });
                body["cards"] = new JsonArray(new JsonObject { ["uid"] = $"FZ{random.Next(20)}", ["validUntil"] = "2030-01-01T00:00:00Z" });
                break;
            case "update_person":
                body["personId"] = person;
                body["displayName"] = "Fuzz Renamed";
                body["status"] = random.Next(2) == 0 ? "active" : "suspended";
                body["expectedVersion"] = random.Next(1, 4);
                break;
            case "deregister":
                body["personId"] = person;
                break;
            case "card_issue":
                body["uid"] = $"FZ{random.Next(20)}";
                body["personId"] = person;
                body["validUntil"] = "2030-01-01T00:00:00Z";
                break;
            case "card_renew":
                body["uid"] = $"FZ{random.Next(20)}";
                body["validUntil"] = "2031-01-01T00:00:00Z";
                break;
            case "card_revoke":
                body["uid"] = $"FZ{random.Next(20)}";
                break;
            case "unlock":
                body["door"] = FuzzDoor;
                body["requestedBy"] = "fuzzer";
                body["reason"] = "fuzz";
                body["expiresAt"] = soon;
                break;
            case "gallery_sync":
                // Deltas only: a full list would deregister everyone else, the gate's resident too.
                body["baseVersion"] = random.Next(3);
                body["version"] = random.Next(3, 6);
                body["persons"] = new JsonArray(new JsonObject
                {
                    ["personId"] = person,
                    ["displayName"] = "Fuzz Synced",
                    ["status"] = "active",
                });
                body["removed"] = new JsonArray(JsonValue.Create($"fz-{random.Next(20)}"));
                break;
            default:
                break;
        }
        return body;
    }

    private static byte[] Bytes(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    private byte[] RandomBytes()
    {
        var bytes = new byte[random.Next(1, 2000)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Inserts <paramref name="insert"/> inside a random string (value or name) of the JSON text.</summary>
    private byte[] InsertIntoString(byte[] json, byte[] insert)
    {
        var quotes = new List<int>();
        for (var i = 0; i < json.Length; i++)
        {
            if (json[i] == (byte)'"')
            {
                quotes.Add(i);
            }
        }
        var at = quotes[random.Next(quotes.Count)] + 1;
        return [.. json.AsSpan(0, at), .. insert, .. json.AsSpan(at)];
    }

    private byte[] InsertAnywhere(byte[] json, byte[] insert)
    {
        var at = random.Next(json.Length + 1);
        return [.. json.AsSpan(0, at), .. insert, .. json.AsSpan(at)];
    }

    private byte[] Truncate(byte[] json) => json[..random.Next(1, json.Length)];

    /// <summary>JSON text nested <paramref name="depth"/> arrays or objects deep.</summary>
    private string Nested(int depth)
    {
        var text = new StringBuilder();
        var closing = new Stack<char>();
        for (var i = 0; i < depth; i++)
        {
            var array = random.Next(2) == 0;
            text.Append(array ? "[" : "{\"a\":");
            closing.Push(array ? ']' : '}');
        }
        text.Append('1');
        while (closing.Count > 0)
        {
            text.Append(closing.Pop());
        }
        return text.ToString();
    }

    private JsonNode? WrongType() => random.Next(9) switch
    {
        0 => null,
        1 => JsonValue.Create(true),
        2 => JsonValue.Create(random.Next(-1000, 1000)),
        3 => JsonValue.Create(-0.5),
        4 => JsonValue.Create("text"),
        5 => new JsonArray(),
        6 => new JsonObject(),
        7 => new JsonArray(JsonValue.Create(1), JsonValue.Create("x"), null),
        _ => new JsonObject { ["v"] = 1 },
    };

    /// <summary>Every (parent, key or index) in the body; of a long array (an embedding), its first item only.</summary>
    private static List<(JsonNode Parent, object Key)> Spots(JsonNode node)
    {
        var spots = new List<(JsonNode, object)>();
        void Walk(JsonNode current)
        {
            if (current is JsonObject obj)
            {
                foreach (var (key, child) in obj.ToList())
                {
                    spots.Add((obj, key));
                    if (child is not null)
                    {
                        Walk(child);
                    }
                }
            }
            else if (current is JsonArray array)
            {
                for (var i = 0; i < Math.Min(array.Count, 2); i++)
                {
                    spots.Add((array, i));
                    if (array[i] is { } child)
                    {
                        Walk(child);
                    }
                }
            }
        }
        Walk(node);
        return spots;
    }

    private JsonObject Replace(JsonObject body, JsonNode? value)
    {
        var spots = Spots(body);
        var (parent, key) = spots[random.Next(spots.Count)];
        if (parent is JsonObject obj)
        {
            obj[(string)key] = value;
        }
        else
        {
            ((JsonArray)parent)[(int)key] = value;
        }
        return body;
    }

    /// <summary>A random value replaced by raw JSON text (numbers JSON allows, and some it does not).</summary>
    private byte[] RawReplace(JsonObject body, string raw)
    {
        const string Marker = "\"@@fuzz@@\"";
        Replace(body, JsonValue.Create("@@fuzz@@"));
        return Encoding.UTF8.GetBytes(body.ToJsonString().Replace(Marker, raw, StringComparison.Ordinal));
    }

    private byte[] DuplicateField(JsonObject body)
    {
        var objects = Spots(body).Select(spot => spot.Parent).OfType<JsonObject>().Distinct().ToList();
        var target = objects[random.Next(objects.Count)];
        var (key, value) = target.ElementAt(random.Next(target.Count));
        const string Marker = "\"@@duplicate@@\":0";
        target.Insert(0, "@@duplicate@@", 0);
        var twice = JsonSerializer.Serialize(key) + ":" + (random.Next(2) == 0 ? value?.ToJsonString() ?? "null" : "\"other\"");
        return Encoding.UTF8.GetBytes(body.ToJsonString().Replace(Marker, twice, StringComparison.Ordinal));
    }

    private FuzzedCommand NullObject(string name, JsonObject body)
    {
        switch (random.Next(4))
        {
            case 0:
                return new FuzzedCommand(name, "null"u8.ToArray(), "null instead of the command");
            case 1:
                return new FuzzedCommand(name, Encoding.UTF8.GetBytes(random.Next(3) switch { 0 => "[]", 1 => "\"unlock\"", _ => "42" }), "not an object");
            default:
                var arrays = Spots(body).Where(spot => spot.Parent is JsonArray).ToList();
                if (arrays.Count > 0 && random.Next(2) == 0)
                {
                    var (parent, key) = arrays[random.Next(arrays.Count)];
                    ((JsonArray)parent)[(int)key] = null;
                    return new FuzzedCommand(name, Bytes(body), "null item where an object belongs");
                }
                foreach (var field in new[] { "templates", "cards", "persons", "photos", "removed" })
                {
                    body[field] = random.Next(2) == 0 ? new JsonArray((JsonNode?)null) : new JsonArray(JsonValue.Create(5));
                }
                return new FuzzedCommand(name, Bytes(body), "null or number items in every list");
        }
    }

    private JsonObject RemoveField(JsonObject body)
    {
        var spots = Spots(body).Where(spot => spot.Parent is JsonObject).ToList();
        var (parent, key) = spots[random.Next(spots.Count)];
        ((JsonObject)parent).Remove((string)key);
        return body;
    }

    private JsonObject AddUnknownField(JsonObject body)
    {
        var objects = Spots(body).Select(spot => spot.Parent).OfType<JsonObject>().Distinct().ToList();
        objects[random.Next(objects.Count)][$"extra{random.Next(1000).ToString(CultureInfo.InvariantCulture)}"] = "x";
        return body;
    }
}
