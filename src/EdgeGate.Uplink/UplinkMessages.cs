using System.Buffers;
using System.Globalization;
using System.Text.Json;
using EdgeGate.Storage;
using EdgeGate.Storage.Journal;

namespace EdgeGate.Uplink;

/// <summary>
/// The JSON payloads of protocol version 1 (docs/protocol.md). Writers produce compact UTF-8; readers
/// never throw on bad input, they return null.
/// </summary>
public static class UplinkMessages
{
    public const int SchemaVersion = 1;

    /// <summary>Acks larger than this are ignored unread.</summary>
    public const int AckMaximumBytes = 1024;

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = false };
    private static readonly JsonDocumentOptions ReaderOptions = new() { MaxDepth = 8 };

    /// <summary>
    /// One journal row. <paramref name="previousSeq"/> is the seq of the journal row just before this
    /// one when it was read (no row lies between), or null for an alert sent ahead of the stream.
    /// </summary>
    public static byte[] Event(UplinkTopics topics, JournalEntry entry, long? previousSeq)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + entry.PayloadJson.Length);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", SchemaVersion);
            writer.WriteString("site", topics.SiteId);
            writer.WriteString("gateway", topics.GatewayId);
            writer.WriteNumber("seq", entry.Seq);
            if (previousSeq is { } previous)
            {
                writer.WriteNumber("prev", previous);
            }
            else
            {
                writer.WriteNull("prev");
            }
            writer.WriteString("lane", entry.Lane == JournalLane.Alert ? "alert" : "event");
            writer.WriteString("type", entry.Type);
            writer.WriteString("occurredAt", Timestamp(entry.OccurredAt));
            writer.WriteString("recordedAt", Timestamp(entry.RecordedAt));
            writer.WritePropertyName("data");
            writer.WriteRawValue(entry.PayloadJson, skipInputValidation: true);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Ack(long seq) => Write(writer =>
    {
        writer.WriteNumber("v", SchemaVersion);
        writer.WriteNumber("seq", seq);
    });

    /// <summary>The acked seq of an ack payload, or null when it is not a valid version-1 ack.</summary>
    public static long? ReadAck(ReadOnlySpan<byte> payload)
    {
        if (payload.Length is 0 or > AckMaximumBytes)
        {
            return null;
        }
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 4 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("v", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v) || v != SchemaVersion
                || !root.TryGetProperty("seq", out var seq) || seq.ValueKind != JsonValueKind.Number || !seq.TryGetInt64(out var value) || value < 0)
            {
                return null;
            }
            return value;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static byte[] OnlineState(UplinkTopics topics, DateTimeOffset at, JournalStatus journal, UplinkCounters counters, StorageFullness storage) => Write(writer =>
    {
        writer.WriteNumber("v", SchemaVersion);
        writer.WriteString("site", topics.SiteId);
        writer.WriteString("gateway", topics.GatewayId);
        writer.WriteString("status", "online");
        writer.WriteString("at", Timestamp(at));
        writer.WriteStartObject("journal");
        writer.WriteNumber("lastSeq", journal.LastSeq);
        writer.WriteNumber("ackedSeq", journal.AckedSeq);
        writer.WriteNumber("unacked", journal.UnackedRows);
        writer.WriteNumber("rows", journal.Rows);
        writer.WriteNumber("alertRows", journal.AlertRows);
        writer.WriteEndObject();
        writer.WriteStartObject("uplink");
        writer.WriteNumber("published", counters.Published);
        writer.WriteNumber("rewinds", counters.Rewinds);
        writer.WriteNumber("connections", counters.Connections);
        writer.WriteEndObject();
        writer.WriteStartObject("storage");
        writer.WriteNumber("refusedWrites", storage.RefusedWrites);
        if (storage.LastRefusedAt is { } lastRefusedAt)
        {
            writer.WriteString("lastRefusedAt", Timestamp(lastRefusedAt));
        }
        else
        {
            writer.WriteNull("lastRefusedAt");
        }
        writer.WriteEndObject();
    });

    /// <summary>The retained last will: what the broker says when the gateway vanishes.</summary>
    public static byte[] OfflineState(UplinkTopics topics) => Write(writer =>
    {
        writer.WriteNumber("v", SchemaVersion);
        writer.WriteString("site", topics.SiteId);
        writer.WriteString("gateway", topics.GatewayId);
        writer.WriteString("status", "offline");
    });

    public static byte[] GalleryRequest(long version) => Write(writer =>
    {
        writer.WriteNumber("v", SchemaVersion);
        writer.WriteNumber("version", version);
    });

    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    internal static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    internal static JsonDocumentOptions DocumentOptions => ReaderOptions;
}

/// <summary>What an uplink session has done so far (read from any thread).</summary>
public sealed record UplinkCounters(long Published, long Rewinds, long Connections, long AckedSeq, long CommandsAnswered, long CommandsRefusedBusy);
