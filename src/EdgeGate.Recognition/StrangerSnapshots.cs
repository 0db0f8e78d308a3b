using System.Drawing;
using System.Globalization;
using System.Text.RegularExpressions;
using EdgeGate.Core.Recognition;
using EdgeGate.Imaging;
using EdgeGate.Storage;
using EdgeGate.Storage.Privacy;

namespace EdgeGate.Recognition;

/// <summary>Stranger snapshots: a small JPEG of the face and its surroundings, never larger than a limit.</summary>
public static class StrangerSnapshot
{
    /// <summary>Longest side of a snapshot, in pixels.</summary>
    public const int MaximumSide = 256;

    private static readonly int[] Qualities = [85, 70, 55, 40];

    /// <summary>
    /// Crops twice the face box (clipped to the frame), scales it to at most <see cref="MaximumSide"/>
    /// and encodes it as JPEG at falling qualities until it fits <paramref name="maximumBytes"/>;
    /// null when it never fits or the box is outside the frame.
    /// </summary>
    public static byte[]? Encode(ReadOnlyImageSpan frame, RectangleF box, int maximumBytes)
    {
        var centreX = box.X + (box.Width / 2);
        var centreY = box.Y + (box.Height / 2);
        var side = Math.Max(box.Width, box.Height) * 2;
        var x1 = Math.Clamp((int)(centreX - (side / 2)), 0, frame.Width);
        var y1 = Math.Clamp((int)(centreY - (side / 2)), 0, frame.Height);
        var x2 = Math.Clamp((int)(centreX + (side / 2)), 0, frame.Width);
        var y2 = Math.Clamp((int)(centreY + (side / 2)), 0, frame.Height);
        if (x2 - x1 < 8 || y2 - y1 < 8)
        {
            return null;
        }
        var crop = frame.Slice(x1, y1, x2 - x1, y2 - y1);
        var scale = Math.Min(1.0, (double)MaximumSide / Math.Max(crop.Width, crop.Height));
        var width = Math.Max(8, (int)(crop.Width * scale));
        var height = Math.Max(8, (int)(crop.Height * scale));
        using var scaled = BgrImage.Create(width, height);
        ImageOps.Resize(crop, scaled.AsSpan(), Interpolation.Area);
        foreach (var quality in Qualities)
        {
            var jpeg = scaled.EncodeJpeg(quality);
            if (jpeg.Length <= maximumBytes)
            {
                return jpeg;
            }
        }
        return null;
    }
}

/// <summary>One stored stranger snapshot: its name (the id the API serves it by), camera, track, time and size on disk.</summary>
public sealed record StoredSnapshot(string Name, string Camera, long TrackId, DateTimeOffset TakenAt, long Bytes);

/// <summary>
/// Keeps stranger snapshots as files under a folder, sealed with the template key
/// (<see cref="SnapshotCipher"/>: nothing readable without it, as templates), limited in age
/// (retention) and in total size (the oldest go first). Writes are atomic (temporary file, then
/// rename). Snapshots a release before sealing wrote in clear (<c>*.jpg</c>) are sealed at the first
/// prune, or deleted when older than the retention. Thread-safe.
/// </summary>
public sealed partial class StrangerSnapshotStore
{
    /// <summary>The ending of a sealed snapshot's file name.</summary>
    public const string Extension = ".jpg.sealed";

    private const string LegacyExtension = ".jpg";
    private const string TimeFormat = "yyyyMMdd'T'HHmmssfff'Z'";

    private readonly string directory;
    private readonly long storageLimitBytes;
    private readonly TimeSpan retention;
    private readonly SnapshotCipher cipher;
    private readonly TimeProvider timeProvider;
    private readonly Lock gate = new();

    public StrangerSnapshotStore(string directory, long storageLimitBytes, TimeSpan retention, SnapshotCipher cipher, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(storageLimitBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(cipher);
        this.directory = directory;
        this.storageLimitBytes = storageLimitBytes;
        this.retention = retention;
        this.cipher = cipher;
        this.timeProvider = timeProvider ?? TimeProvider.System;
    }

    public string Directory => directory;

    public TimeSpan Retention => retention;

    /// <summary>Seals and writes the sighting's snapshot (if any) and prunes; returns the file's path or null.</summary>
    public string? Save(StrangerSighting sighting)
    {
        ArgumentNullException.ThrowIfNull(sighting);
        if (sighting.JpegSnapshot is not { Length: > 0 } jpeg)
        {
            return null;
        }
        var name = NameFor(sighting.EmittedAt, sighting.CameraName, sighting.TrackId);
        lock (gate)
        {
            Write(name, jpeg);
            PruneLocked();
        }
        return Path.Combine(directory, name);
    }

    /// <summary>The snapshots kept, newest first (older than the retention are pruned first).</summary>
    public IReadOnlyList<StoredSnapshot> List()
    {
        lock (gate)
        {
            PruneLocked();
            if (!System.IO.Directory.Exists(directory))
            {
                return [];
            }
            return new DirectoryInfo(directory).GetFiles("*" + Extension)
                .Select(file => TryParse(file.Name, out var camera, out var track, out var takenAt)
                    ? new StoredSnapshot(file.Name, camera, track, takenAt, file.Length)
                    : null)
                .OfType<StoredSnapshot>()
                .OrderByDescending(snapshot => snapshot.Name, StringComparer.Ordinal)
                .ToList();
        }
    }

    /// <summary>
    /// The JPEG of the snapshot called <paramref name="name"/> (as <see cref="List"/> names it), opened;
    /// null when there is none (never kept, or pruned) or the name is not a snapshot's.
    /// </summary>
    /// <exception cref="TemplateDecryptionException">The file does not open with this gateway's key (altered, or another gateway's).</exception>
    public byte[]? Read(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!TryParse(name, out _, out _, out var takenAt) || takenAt < timeProvider.GetUtcNow() - retention)
        {
            return null;
        }
        byte[] sealedContent;
        try
        {
            sealedContent = File.ReadAllBytes(Path.Combine(directory, name));
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        return cipher.Open(sealedContent, name);
    }

    /// <summary>Deletes snapshots older than the retention and the oldest beyond the size limit; returns how many went.</summary>
    public int Prune()
    {
        lock (gate)
        {
            return PruneLocked();
        }
    }

    private void Write(string name, byte[] jpeg)
    {
        System.IO.Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, cipher.Seal(jpeg, name));
        File.Move(temporary, path, overwrite: true);
    }

    private int PruneLocked()
    {
        if (!System.IO.Directory.Exists(directory))
        {
            return 0;
        }
        var cutoff = timeProvider.GetUtcNow() - retention;
        var deleted = 0;
        foreach (var legacy in new DirectoryInfo(directory).GetFiles("*" + LegacyExtension))
        {
            var takenAt = TakenAt(legacy);
            if (takenAt >= cutoff)
            {
                Write(Path.GetFileNameWithoutExtension(legacy.Name) + Extension, File.ReadAllBytes(legacy.FullName));
            }
            else
            {
                deleted++;
            }
            legacy.Delete();
        }
        var files = new DirectoryInfo(directory).GetFiles("*" + Extension).OrderByDescending(file => file.Name, StringComparer.Ordinal).ToList();
        long total = 0;
        foreach (var file in files)
        {
            total += file.Length;
            if (TakenAt(file) < cutoff || total > storageLimitBytes)
            {
                try
                {
                    file.Delete();
                    deleted++;
                }
                catch (IOException)
                {
                    // Gone already or busy: the next prune tries again.
                }
            }
        }
        return deleted;
    }

    private static string NameFor(DateTimeOffset takenAt, string camera, long trackId) =>
        string.Create(CultureInfo.InvariantCulture, $"{takenAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}_{UnsafeCharacters().Replace(camera, "-")}_{trackId}{Extension}");

    /// <summary>Parses a name <see cref="NameFor"/> made; anything else (a path, another file) is not a snapshot.</summary>
    private static bool TryParse(string name, out string camera, out long trackId, out DateTimeOffset takenAt)
    {
        camera = "";
        trackId = 0;
        takenAt = default;
        var match = SnapshotName().Match(name);
        if (!match.Success
            || !DateTime.TryParseExact(match.Groups["time"].Value, TimeFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var taken)
            || !long.TryParse(match.Groups["track"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out trackId))
        {
            return false;
        }
        camera = match.Groups["camera"].Value;
        takenAt = new DateTimeOffset(taken, TimeSpan.Zero);
        return true;
    }

    /// <summary>The time in the file's name (written by <see cref="Save"/>), else its modification time.</summary>
    private static DateTimeOffset TakenAt(FileInfo file) =>
        file.Name.Length > 19 && DateTime.TryParseExact(
            file.Name[..19], TimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var taken)
            ? new DateTimeOffset(taken, TimeSpan.Zero)
            : new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex UnsafeCharacters();

    [GeneratedRegex(@"^(?<time>\d{8}T\d{9}Z)_(?<camera>[A-Za-z0-9._-]+)_(?<track>\d{1,19})\.jpg\.sealed$")]
    private static partial Regex SnapshotName();
}
