namespace EdgeGate.Evaluation;

/// <summary>One row of a labels file: a photo, its identity (empty for group photos), what it re-encodes, whether it shows several faces.</summary>
public sealed record LabelledPhoto(string Path, string FullPath, string? Label, string? DuplicateOf, bool MultiFace)
{
    public bool IsLabelled => !string.IsNullOrEmpty(Label);

    public bool IsDuplicate => !string.IsNullOrEmpty(DuplicateOf);
}

/// <summary>
/// A labelled photo folder in the format of <c>labels.csv</c>: a header with at least
/// <c>path,label,dup_of,multi_face</c> (more columns are ignored); paths relative to the root.
/// </summary>
public sealed class LabelledPhotoSet
{
    private static readonly string[] RequiredColumns = ["path", "label", "dup_of", "multi_face"];

    private LabelledPhotoSet(string root, IReadOnlyList<LabelledPhoto> photos)
    {
        Root = root;
        Photos = photos;
    }

    public string Root { get; }

    public IReadOnlyList<LabelledPhoto> Photos { get; }

    /// <summary>Reads a labels file.</summary>
    /// <exception cref="InvalidDataException">The header lacks a required column or a row is malformed.</exception>
    public static LabelledPhotoSet Load(string labelsPath, string root) => Parse(File.ReadAllLines(labelsPath), root, labelsPath);

    public static LabelledPhotoSet Parse(IReadOnlyList<string> lines, string root, string source = "labels")
    {
        ArgumentNullException.ThrowIfNull(lines);
        var fullRoot = System.IO.Path.GetFullPath(root);
        if (lines.Count == 0)
        {
            throw new InvalidDataException($"{source}: empty labels file");
        }
        var header = SplitRow(lines[0]).Select(column => column.Trim().ToLowerInvariant()).ToList();
        var columns = new int[RequiredColumns.Length];
        for (var index = 0; index < RequiredColumns.Length; index++)
        {
            columns[index] = header.IndexOf(RequiredColumns[index]);
            if (columns[index] < 0)
            {
                throw new InvalidDataException($"{source}: the header has no '{RequiredColumns[index]}' column (expected {string.Join(",", RequiredColumns)},...)");
            }
        }
        var photos = new List<LabelledPhoto>();
        for (var lineNumber = 1; lineNumber < lines.Count; lineNumber++)
        {
            if (string.IsNullOrWhiteSpace(lines[lineNumber]))
            {
                continue;
            }
            var fields = SplitRow(lines[lineNumber]);
            string Field(int column) => columns[column] < fields.Count ? fields[columns[column]].Trim() : string.Empty;
            var path = Field(0);
            if (path.Length == 0)
            {
                throw new InvalidDataException($"{source}, line {lineNumber + 1}: no path");
            }
            var multiFace = Field(3) switch
            {
                "" or "0" or "false" => false,
                "1" or "true" => true,
                var other => throw new InvalidDataException($"{source}, line {lineNumber + 1}: multi_face '{other}' is not 0 or 1"),
            };
            photos.Add(new LabelledPhoto(
                path,
                System.IO.Path.GetFullPath(System.IO.Path.Combine(fullRoot, path)),
                NullIfEmpty(Field(1)),
                NullIfEmpty(Field(2)),
                multiFace));
        }
        return new LabelledPhotoSet(fullRoot, photos);
    }

    /// <summary>
    /// The photo a re-encoding was made from: a photo named <see cref="LabelledPhoto.DuplicateOf"/>
    /// (a file name or a relative path), preferring the same folder, then the same label.
    /// </summary>
    public LabelledPhoto? FindOriginal(LabelledPhoto duplicate)
    {
        ArgumentNullException.ThrowIfNull(duplicate);
        if (!duplicate.IsDuplicate)
        {
            return null;
        }
        var name = duplicate.DuplicateOf!;
        var candidates = Photos
            .Where(photo => photo != duplicate && !photo.IsDuplicate
                && (string.Equals(photo.Path, name, StringComparison.Ordinal)
                    || string.Equals(System.IO.Path.GetFileName(photo.Path), name, StringComparison.Ordinal)))
            .ToList();
        var folder = System.IO.Path.GetDirectoryName(duplicate.Path);
        return candidates.FirstOrDefault(photo => string.Equals(System.IO.Path.GetDirectoryName(photo.Path), folder, StringComparison.Ordinal))
            ?? candidates.FirstOrDefault(photo => string.Equals(photo.Label, duplicate.Label, StringComparison.Ordinal))
            ?? candidates.FirstOrDefault();
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    /// <summary>Splits a CSV row; fields may be quoted with "" as an escaped quote.</summary>
    private static List<string> SplitRow(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var index = 0; index < line.Length; index++)
        {
            var character = line[index];
            if (quoted)
            {
                if (character == '"' && index + 1 < line.Length && line[index + 1] == '"')
                {
                    current.Append('"');
                    index++;
                }
                else if (character == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(character);
                }
            }
            else if (character == '"')
            {
                quoted = true;
            }
            else if (character == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(character);
            }
        }
        fields.Add(current.ToString());
        return fields;
    }
}
