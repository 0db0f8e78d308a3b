using System.Drawing;
using System.Globalization;
using EdgeGate.Core.Recognition;
using EdgeGate.Vision.Imaging;

namespace EdgeGate.Gateway.Live;

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

/// <summary>
/// Keeps stranger snapshots as files under a folder, limited in age (retention) and in total size
/// (the oldest go first). Writes are atomic (temporary file, then rename). Thread-safe.
/// </summary>
public sealed class StrangerSnapshotStore
{
    private readonly string directory;
    private readonly long storageLimitBytes;
    private readonly TimeSpan retention;
    private readonly TimeProvider timeProvider;
    private readonly Lock gate = new();

    public StrangerSnapshotStore(string directory, long storageLimitBytes, TimeSpan retention, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(storageLimitBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        this.directory = directory;
        this.storageLimitBytes = storageLimitBytes;
        this.retention = retention;
        this.timeProvider = timeProvider ?? TimeProvider.System;
    }

    public string Directory => directory;

    /// <summary>Writes the sighting's snapshot (if any) and prunes; returns the file's path or null.</summary>
    public string? Save(StrangerSighting sighting)
    {
        ArgumentNullException.ThrowIfNull(sighting);
        if (sighting.JpegSnapshot is not { Length: > 0 } jpeg)
        {
            return null;
        }
        var name = string.Create(
            CultureInfo.InvariantCulture,
            $"{sighting.EmittedAt.UtcDateTime:yyyyMMdd'T'HHmmssfff'Z'}_{sighting.CameraName}_{sighting.TrackId}.jpg");
        var path = Path.Combine(directory, name);
        lock (gate)
        {
            System.IO.Directory.CreateDirectory(directory);
            var temporary = path + ".tmp";
            File.WriteAllBytes(temporary, jpeg);
            File.Move(temporary, path, overwrite: true);
            PruneLocked();
        }
        return path;
    }

    /// <summary>Deletes snapshots older than the retention and the oldest beyond the size limit; returns how many went.</summary>
    public int Prune()
    {
        lock (gate)
        {
            return PruneLocked();
        }
    }

    private int PruneLocked()
    {
        if (!System.IO.Directory.Exists(directory))
        {
            return 0;
        }
        var files = new DirectoryInfo(directory).GetFiles("*.jpg").OrderByDescending(file => file.Name, StringComparer.Ordinal).ToList();
        var cutoff = timeProvider.GetUtcNow() - retention;
        long total = 0;
        var deleted = 0;
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

    /// <summary>The time in the file's name (written by <see cref="Save"/>), else its modification time.</summary>
    private static DateTimeOffset TakenAt(FileInfo file) =>
        file.Name.Length > 19 && DateTime.TryParseExact(
            file.Name[..19], "yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var taken)
            ? new DateTimeOffset(taken, TimeSpan.Zero)
            : new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);
}
