using System.Text.RegularExpressions;
using System.Xml.Linq;
using EdgeGate.TestSupport;

namespace EdgeGate.Gateway.Tests.Layout;

/// <summary>
/// The layout rules the README states, read from the project files and the sources: one project per
/// stage of the flow, none too big to read, references in the direction of the flow, and the tooling
/// (bench, eval, demo, the platform simulator) in EdgeGate.Tools and EdgeGate.Evaluation, which only
/// the edgegate program's own project references.
/// </summary>
public sealed partial class ProjectLayoutTests
{
    private const int MaximumLines = 6000;

    private static readonly string[] Stages = ["EdgeGate.Recognition", "EdgeGate.Access", "EdgeGate.Uplink", "EdgeGate.Api"];

    /// <summary>What recognition is built from, in the order a frame goes through it.</summary>
    private static readonly string[] VisionProjects = ["EdgeGate.Imaging", "EdgeGate.Capture", "EdgeGate.Vision", "EdgeGate.Gallery"];

    /// <summary>Bench, eval, demo and the platform simulator: loaded by the edgegate program as commands, never run by the service.</summary>
    private static readonly string[] Tooling = ["EdgeGate.Tools", "EdgeGate.Evaluation"];

    [Fact]
    public void Every_stage_has_its_own_project()
    {
        var projects = SourceProjects();
        foreach (var name in Stages.Concat(VisionProjects).Concat(Tooling).Append("EdgeGate.Configuration").Append("EdgeGate.Gateway"))
        {
            Assert.True(projects.ContainsKey(name), $"src/{name}/{name}.csproj is missing");
        }
    }

    [Fact]
    public void No_production_project_is_over_six_thousand_lines()
    {
        var sizes = SourceProjects().Keys.ToDictionary(name => name, name => CSharpLines(Path.Combine(RepositoryPaths.Root, "src", name)));
        Assert.All(sizes, size => Assert.True(size.Value <= MaximumLines, $"{size.Key} has {size.Value} lines of C# (at most {MaximumLines})"));
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
    [InlineData("EdgeGate.Imaging", "EdgeGate.Capture")]
    [InlineData("EdgeGate.Imaging", "EdgeGate.Vision")]
    [InlineData("EdgeGate.Capture", "EdgeGate.Vision")]
    [InlineData("EdgeGate.Capture", "EdgeGate.Gallery")]
    [InlineData("EdgeGate.Vision", "EdgeGate.Capture")]
    [InlineData("EdgeGate.Vision", "EdgeGate.Gallery")]
    [InlineData("EdgeGate.Gallery", "EdgeGate.Imaging")]
    [InlineData("EdgeGate.Gallery", "EdgeGate.Vision")]
    [InlineData("EdgeGate.Gallery", "EdgeGate.Capture")]
    [InlineData("EdgeGate.Capture", "EdgeGate.Configuration")]
    [InlineData("EdgeGate.Vision", "EdgeGate.Configuration")]
    [InlineData("EdgeGate.Gallery", "EdgeGate.Configuration")]
    [InlineData("EdgeGate.Evaluation", "EdgeGate.Recognition")]
    [InlineData("EdgeGate.Evaluation", "EdgeGate.Tools")]
    [InlineData("EdgeGate.Evaluation", "EdgeGate.Gateway")]
    public void A_project_does_not_reach_another_against_the_flow(string project, string forbidden)
    {
        var projects = SourceProjects();
        Assert.True(projects.ContainsKey(forbidden), $"src/{forbidden} is missing");
        Assert.DoesNotContain(forbidden, Reachable(projects, project));
    }

    [Fact]
    public void No_production_project_references_the_program_or_the_tooling()
    {
        var projects = SourceProjects();
        var production = projects.Keys.Where(name => name != "EdgeGate.Gateway" && !Tooling.Contains(name)).ToList();
        Assert.Contains("EdgeGate.Vision", production);
        foreach (var name in production)
        {
            var reachable = Reachable(projects, name);
            Assert.DoesNotContain("EdgeGate.Gateway", reachable);
            Assert.All(Tooling, tooling => Assert.False(reachable.Contains(tooling), $"{name} reaches {tooling}"));
        }
    }

    [Theory]
    [InlineData("EdgeGate.Gateway")]
    [InlineData("EdgeGate.Imaging")]
    [InlineData("EdgeGate.Capture")]
    [InlineData("EdgeGate.Vision")]
    [InlineData("EdgeGate.Gallery")]
    public void The_program_and_the_vision_projects_hold_no_bench_eval_demo_or_simulator_code(string project)
    {
        var folder = Path.Combine(RepositoryPaths.Root, "src", project);
        var offending = SourceFiles(folder)
            .Where(file =>
                ToolingFileName().IsMatch(Path.GetFileName(file))
                || File.ReadLines(file).Any(line => ToolingNamespace().IsMatch(line) || ToolingType().IsMatch(line)))
            .Select(file => Path.GetRelativePath(RepositoryPaths.Root, file))
            .ToList();
        Assert.True(offending.Count == 0, $"tooling in src/{project}: " + string.Join(", ", offending));
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
