using System.Text.RegularExpressions;
using System.Xml.Linq;
using EdgeGate.TestSupport;

namespace EdgeGate.Gateway.Tests.Layout;

/// <summary>
/// The layout rules the README states, read from the project files and the sources: one project per
/// stage of the flow, none too big to read, references in the direction of the flow, and the tooling
/// (bench, eval, demo, the platform simulator) outside the edgegate program's own project.
/// </summary>
public sealed partial class ProjectLayoutTests
{
    private const int MaximumLines = 6000;

    /// <summary>
    /// Projects still over the limit, each with what it holds: they must shrink, and leave this list
    /// when they do (the test fails for one listed that is no longer over).
    /// EdgeGate.Vision (10.3k): Faces/Evaluation (2.1k) and Benchmarks (0.5k) are tooling, the rest
    /// (faces, gallery, capture, presentation checks, imaging) is still one project.
    /// </summary>
    private static readonly string[] StillOverTheLimit = ["EdgeGate.Vision"];

    private static readonly string[] Stages = ["EdgeGate.Recognition", "EdgeGate.Access", "EdgeGate.Uplink", "EdgeGate.Api"];

    [Fact]
    public void Every_stage_has_its_own_project()
    {
        var projects = SourceProjects();
        foreach (var name in Stages.Append("EdgeGate.Configuration").Append("EdgeGate.Tools").Append("EdgeGate.Gateway"))
        {
            Assert.True(projects.ContainsKey(name), $"src/{name}/{name}.csproj is missing");
        }
    }

    [Fact]
    public void No_production_project_is_over_six_thousand_lines()
    {
        var sizes = SourceProjects().Keys.ToDictionary(name => name, name => CSharpLines(Path.Combine(RepositoryPaths.Root, "src", name)));
        Assert.All(sizes.Where(size => !StillOverTheLimit.Contains(size.Key)), size => Assert.True(size.Value <= MaximumLines, $"{size.Key} has {size.Value} lines of C# (at most {MaximumLines})"));
        Assert.All(StillOverTheLimit, name => Assert.True(sizes[name] > MaximumLines, $"{name} has {sizes[name]} lines now: take it off StillOverTheLimit"));
        Assert.True(sizes["EdgeGate.Gateway"] > 0, "no C# counted in src/EdgeGate.Gateway");
    }

    [Fact]
    public void Project_references_have_no_cycle()
    {
        var projects = SourceProjects();
        foreach (var name in projects.Keys)
        {
            Assert.DoesNotContain(name, Reachable(projects, name));
        }
    }

    [Theory]
    [InlineData("EdgeGate.Recognition", "EdgeGate.Api")]
    [InlineData("EdgeGate.Access", "EdgeGate.Api")]
    [InlineData("EdgeGate.Uplink", "EdgeGate.Api")]
    [InlineData("EdgeGate.Access", "EdgeGate.Recognition")]
    [InlineData("EdgeGate.Configuration", "EdgeGate.Access")]
    [InlineData("EdgeGate.Configuration", "EdgeGate.Recognition")]
    [InlineData("EdgeGate.Api", "EdgeGate.Uplink")]
    [InlineData("EdgeGate.Tools", "EdgeGate.Gateway")]
    public void A_project_does_not_reach_another_against_the_flow(string project, string forbidden)
    {
        var projects = SourceProjects();
        Assert.True(projects.ContainsKey(forbidden), $"src/{forbidden} is missing");
        Assert.DoesNotContain(forbidden, Reachable(projects, project));
    }

    [Fact]
    public void No_stage_references_the_program_or_the_tooling()
    {
        var projects = SourceProjects();
        foreach (var stage in Stages.Append("EdgeGate.Configuration"))
        {
            var reachable = Reachable(projects, stage);
            Assert.DoesNotContain("EdgeGate.Gateway", reachable);
            Assert.DoesNotContain("EdgeGate.Tools", reachable);
        }
    }

    [Fact]
    public void The_program_project_holds_no_bench_eval_demo_or_simulator_code()
    {
        var folder = Path.Combine(RepositoryPaths.Root, "src", "EdgeGate.Gateway");
        var offending = SourceFiles(folder)
            .Where(file =>
                ToolingFileName().IsMatch(Path.GetFileName(file))
                || File.ReadLines(file).Any(line => ToolingNamespace().IsMatch(line) || ToolingType().IsMatch(line)))
            .Select(file => Path.GetRelativePath(RepositoryPaths.Root, file))
            .ToList();
        Assert.True(offending.Count == 0, "tooling in src/EdgeGate.Gateway: " + string.Join(", ", offending));
    }

    private static Dictionary<string, IReadOnlyList<string>> SourceProjects()
    {
        var projects = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var references = XDocument.Load(file).Descendants("ProjectReference")
                .Select(reference => Path.GetFileNameWithoutExtension(((string)reference.Attribute("Include")!).Replace('\\', '/')))
                .ToList();
            projects[Path.GetFileNameWithoutExtension(file)] = references;
        }
        return projects;
    }

    private static HashSet<string> Reachable(Dictionary<string, IReadOnlyList<string>> projects, string start)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(projects[start]);
        while (pending.TryPop(out var next))
        {
            if (seen.Add(next) && projects.TryGetValue(next, out var references))
            {
                foreach (var reference in references)
                {
                    pending.Push(reference);
                }
            }
        }
        return seen;
    }

    private static IEnumerable<string> SourceFiles(string folder) =>
        Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static int CSharpLines(string folder) => SourceFiles(folder).Sum(file => File.ReadLines(file).Count());

    [GeneratedRegex(@"^(Bench|Eval|Demo)\w*\.cs$|Simulator")]
    private static partial Regex ToolingFileName();

    [GeneratedRegex(@"^namespace [\w.]*\b(Bench\w*|Eval\w*|Demo|Simulator)\b")]
    private static partial Regex ToolingNamespace();

    [GeneratedRegex(@"\b(class|record|struct)\s+(Bench\w*|Eval\w*|\w*Benchmark|\w*Simulator|Demo\w*)\b")]
    private static partial Regex ToolingType();
}
