using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using EdgeGate.Gateway.Cli;
using EdgeGate.Gateway.Tests.Enrolment;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Cli;

/// <summary>
/// The property manager's and installer's commands run in-process, as the program runs them,
/// against a configuration in a temp folder (its own database and credentials).
/// </summary>
[Collection(EnrolmentCollection.Name)]
public sealed class PropertyManagerCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly string directory = CreateConfiguration();

    private string ConfigPath => Path.Combine(directory, "edgegate.json");

    public void Dispose()
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string CreateConfiguration()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"edgegate-cli-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var configuration = new JsonObject
        {
            ["Gateway"] = InProcessCli.GatewaySection(directory, timeZone: "Asia/Shanghai"),
            ["Uplink"] = new JsonObject { ["Enabled"] = false },
            ["Api"] = new JsonObject { ["Enabled"] = false },
            ["Doors"] = new JsonArray
            {
                new JsonObject { ["Name"] = "demo-door", ["Kind"] = "Log", ["PulseLength"] = "00:00:00.100" },
                new JsonObject
                {
                    ["Name"] = "unplugged",
                    ["Kind"] = "ModbusRtu",
                    ["ModbusRtu"] = new JsonObject { ["Port"] = Path.Combine(directory, "no-such-tty"), ["SlaveId"] = 1, ["Coil"] = 0 },
                },
            },
        };
        File.WriteAllText(Path.Combine(directory, "edgegate.json"), configuration.ToJsonString());
        return directory;
    }

    private Task<InProcessCli.Result> RunWithInputAsync(string input, params string[] arguments) =>
        InProcessCli.RunAsync(
            [PersonsCommand.Create(new StringReader(input)), CardsCommand.Create(), EnrolCommand.Create(), DoorCommand.Create()],
            [.. arguments, "--config", ConfigPath],
            output);

    private Task<InProcessCli.Result> RunAsync(params string[] arguments) => RunWithInputAsync("", arguments);

    [Fact]
    public async Task Persons_and_cards_round_trip_with_tables_and_clear_errors()
    {
        var stayEnds = Day(1300);
        Assert.Equal(0, (await RunAsync("persons", "add", "a-101", "--name", "Li Wei", "--unit", "A-101", "--until", stayEnds)).ExitCode);
        Assert.Equal(0, (await RunAsync("persons", "add", "s-7", "--name", "Guard Seven", "--category", "Staff")).ExitCode);

        var duplicate = await RunAsync("persons", "add", "a-101", "--name", "Again");
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains("already exists", duplicate.Error, StringComparison.Ordinal);

        var badDate = await RunAsync("persons", "add", "x-1", "--name", "X", "--until", "30.06.2030");
        Assert.Equal(2, badDate.ExitCode);
        Assert.Contains("not a date", badDate.Error, StringComparison.Ordinal);

        var list = await RunAsync("persons", "list");
        Assert.Equal(0, list.ExitCode);
        var lines = list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("ID", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, line => line.StartsWith("a-101", StringComparison.Ordinal) && line.Contains("Li Wei", StringComparison.Ordinal)
            && line.Contains($"{stayEnds} 23:59", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("s-7", StringComparison.Ordinal) && line.Contains("Staff", StringComparison.Ordinal));

        Assert.Equal(0, (await RunAsync("cards", "issue", "0004a1b2", "--person", "a-101", "--until", Day(55))).ExitCode);
        var unknownHolder = await RunAsync("cards", "issue", "0009", "--person", "nobody", "--until", Day(55));
        Assert.Equal((1, true), (unknownHolder.ExitCode, unknownHolder.Error.Contains("unknown person 'nobody'", StringComparison.Ordinal)));
        var renewed = await RunAsync("cards", "renew", "0004A1B2", "--until", Day(420));
        Assert.Equal(0, renewed.ExitCode);
        Assert.Contains($"valid until {Day(420)} 23:59", renewed.Output, StringComparison.Ordinal);
        var renewBadDate = await RunAsync("cards", "renew", "0004A1B2", "--until", "next year");
        Assert.Equal(2, renewBadDate.ExitCode);
        var renewUnknown = await RunAsync("cards", "renew", "FFFF0000", "--until", Day(420));
        Assert.Equal((1, true), (renewUnknown.ExitCode, renewUnknown.Error.Contains("unknown card", StringComparison.Ordinal)));

        var cards = await RunAsync("cards", "list");
        Assert.Contains(cards.Output.Split('\n'), line => line.StartsWith("0004A1B2", StringComparison.Ordinal)
            && line.Contains("a-101", StringComparison.Ordinal) && line.Contains("active", StringComparison.Ordinal));

        var show = await RunAsync("persons", "show", "a-101");
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("Li Wei", show.Output, StringComparison.Ordinal);
        Assert.Contains("0004A1B2", show.Output, StringComparison.Ordinal);
        Assert.Contains("face templates: none", show.Output, StringComparison.Ordinal);

        Assert.Equal(0, (await RunAsync("persons", "suspend", "a-101")).ExitCode);
        Assert.Contains("suspended", (await RunAsync("persons", "show", "a-101")).Output, StringComparison.Ordinal);
        var renewSuspended = await RunAsync("cards", "issue", "0005", "--person", "a-101", "--until", Day(55));
        Assert.Equal(1, renewSuspended.ExitCode);
        Assert.Equal(0, (await RunAsync("persons", "reinstate", "a-101")).ExitCode);

        Assert.Equal(0, (await RunAsync("cards", "revoke", "0004A1B2")).ExitCode);
        Assert.Contains("revoked", (await RunAsync("cards", "list", "--person", "a-101")).Output, StringComparison.Ordinal);

        var unknown = await RunAsync("persons", "show", "zz-9");
        Assert.Equal((1, true), (unknown.ExitCode, unknown.Error.Contains("unknown person 'zz-9'", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Card_and_stay_ends_follow_the_same_rule_as_the_api()
    {
        Assert.Equal(0, (await RunAsync("persons", "add", "r-1", "--name", "Renewing Resident")).ExitCode);
        var yesterday = Day(-1);
        var elevenYears = Day(11 * 366);
        string[][] commands =
        [
            ["cards", "issue", "C-1", "--person", "r-1", "--until"],
            ["persons", "add", "r-2", "--name", "New Resident", "--until"],
        ];
        foreach (var command in commands)
        {
            var past = await RunAsync([.. command, yesterday]);
            Assert.Equal(2, past.ExitCode);
            Assert.Equal($"error: --until {yesterday} is in the past; a renewal must end today or later", past.Error.Trim());
            var tooFar = await RunAsync([.. command, elevenYears]);
            Assert.Equal((2, $"error: --until {elevenYears} is more than ten years ahead"), (tooFar.ExitCode, tooFar.Error.Trim()));
            var pastInstant = await RunAsync([.. command, DateTimeOffset.UtcNow.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture)]);
            Assert.Equal(2, pastInstant.ExitCode);
            Assert.Contains("is in the past", pastInstant.Error, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("r-2", (await RunAsync("persons", "list")).Output, StringComparison.Ordinal);
        Assert.Contains("no cards", (await RunAsync("cards", "list")).Output, StringComparison.Ordinal);

        // Today (to its end) and up to ten years ahead are taken.
        Assert.Equal(0, (await RunAsync("cards", "issue", "C-1", "--person", "r-1", "--until", Day(0))).ExitCode);
        Assert.Equal(0, (await RunAsync("cards", "renew", "C-1", "--until", Day(9 * 366))).ExitCode);
        var renewPast = await RunAsync("cards", "renew", "C-1", "--until", yesterday);
        Assert.Equal((2, $"error: --until {yesterday} is in the past; a renewal must end today or later"), (renewPast.ExitCode, renewPast.Error.Trim()));
        Assert.Contains(Day(9 * 366), (await RunAsync("cards", "list")).Output, StringComparison.Ordinal);
    }

    private static readonly TimeZoneInfo SiteTimeZone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>The day <paramref name="days"/> from today in the site's time zone, as typed (yyyy-MM-dd).</summary>
    private static string Day(int days) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, SiteTimeZone).DateTime).AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Deregister_asks_for_confirmation_unless_yes()
    {
        Assert.Equal(0, (await RunAsync("persons", "add", "m-1", "--name", "Moving Out")).ExitCode);
        Assert.Equal(0, (await RunAsync("cards", "issue", "AB01", "--person", "m-1", "--until", Day(750))).ExitCode);

        var declined = await RunWithInputAsync("no\n", "persons", "deregister", "m-1");
        Assert.Equal(1, declined.ExitCode);
        Assert.Contains("Type 'yes'", declined.Output, StringComparison.Ordinal);
        Assert.Contains("active", (await RunAsync("persons", "show", "m-1")).Output, StringComparison.Ordinal);

        var confirmed = await RunWithInputAsync("yes\n", "persons", "deregister", "m-1");
        Assert.Equal(0, confirmed.ExitCode);
        Assert.Contains("1 card(s) revoked", confirmed.Output, StringComparison.Ordinal);

        var again = await RunAsync("persons", "deregister", "m-1", "--yes");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already deregistered", again.Output, StringComparison.Ordinal);
        var suspend = await RunAsync("persons", "suspend", "m-1");
        Assert.Equal(1, suspend.ExitCode);
        Assert.Contains("deregistered", suspend.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Door_test_reports_what_the_door_answered()
    {
        var log = await RunAsync("door", "test", "demo-door");
        Assert.Equal(0, log.ExitCode);
        Assert.Contains("pulse: done", log.Output, StringComparison.Ordinal);

        var unplugged = await RunAsync("door", "test", "unplugged", "--pulse", "00:00:00.100");
        Assert.Equal(1, unplugged.ExitCode);
        Assert.Contains("transport_error", unplugged.Output, StringComparison.Ordinal);
        Assert.Contains("no-such-tty", unplugged.Output, StringComparison.Ordinal);

        var unknown = await RunAsync("door", "test", "back-door");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no door named 'back-door'", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_configuration_is_a_clear_error()
    {
        var root = new RootCommand("test") { PersonsCommand.Create() };
        var error = new StringWriter();
        var exitCode = await root.Parse(["persons", "list", "--config", Path.Combine(directory, "missing.json")])
            .InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });
        Assert.Equal(3, exitCode);
        Assert.Contains("configuration file not found", error.ToString(), StringComparison.Ordinal);
    }

    [FaceDataFact]
    public async Task Enrol_stores_a_template_and_rejects_a_group_photo_with_the_reason()
    {
        var data = FacePipelineFixture.FaceData!;
        var single = data.Photos.First(photo => photo.IsLabelled && !photo.IsDuplicate && !photo.MultiFace);
        var group = data.Photos.First(photo => photo.MultiFace);
        Assert.Equal(0, (await RunAsync("persons", "add", "e-1", "--name", "Enrolled", "--consent", "--consent-by", "Ana (office)")).ExitCode);

        var unknown = await RunAsync("enrol", "nobody", "--photo", single.FullPath);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("unknown person 'nobody'", unknown.Error, StringComparison.Ordinal);

        var rejected = await RunAsync("enrol", "e-1", "--photo", group.FullPath);
        Assert.Equal(1, rejected.ExitCode);
        Assert.Contains("more than one face", rejected.Error, StringComparison.Ordinal);

        var enrolled = await RunAsync("enrol", "e-1", "--photo", single.FullPath);
        Assert.Equal(0, enrolled.ExitCode);
        Assert.Contains("enrolled e-1: 1 new template(s)", enrolled.Output, StringComparison.Ordinal);
        Assert.Matches("face templates: 1 ", (await RunAsync("persons", "show", "e-1")).Output);

        var missingFile = await RunAsync("enrol", "e-1", "--photo", Path.Combine(directory, "none.jpg"));
        Assert.Equal(2, missingFile.ExitCode);
    }
}
