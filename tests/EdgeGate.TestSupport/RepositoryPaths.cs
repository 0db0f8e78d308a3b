namespace EdgeGate.TestSupport;

/// <summary>Finds the repository root and the shared face data from a test assembly's folder.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The folder holding EdgeGate.sln.</summary>
    public static string Root => RootLazy.Value;

    /// <summary><c>../shared/face-data</c> beside the repository, or null when it is absent.</summary>
    public static string? FaceDataOrNull
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(Root, "..", "shared", "face-data"));
            return File.Exists(Path.Combine(path, "labels.csv")) ? path : null;
        }
    }

    /// <summary>The face data folder; the message says why a test cannot run without it.</summary>
    public static string FaceData => FaceDataOrNull
        ?? throw new InvalidOperationException(
            $"face data not found at {Path.GetFullPath(Path.Combine(Root, "..", "shared", "face-data"))}: " +
            "the accuracy and pipeline tests need ../shared/face-data beside the repository");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EdgeGate.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"EdgeGate.sln not found above {AppContext.BaseDirectory}");
    }
}
