using EdgeGate.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeGate.Gateway.Tests.Configuration;

/// <summary>
/// The sections as <see cref="IOptions{TOptions}"/> validated when the host starts: a bad value stops
/// the start, with the message the configuration check gives for it, naming its key.
/// </summary>
public sealed class EdgeGateOptionsTests
{
    private static Dictionary<string, string?> ValidGate() => new()
    {
        ["Gateway:SiteId"] = "compound-7",
        ["Gateway:GatewayId"] = "north-gate",
        ["Gateway:TimeZone"] = "Asia/Shanghai",
        ["Recognition:VotesRequired"] = "4",
        ["Recognition:VoteWindow"] = "6",
        ["Doors:0:Name"] = "north-turnstile",
        ["Doors:0:Kind"] = "Log",
        ["Doors:0:PulseLength"] = "00:00:02",
        ["Cameras:0:Name"] = "north-cam",
        ["Cameras:0:Url"] = "rtsp://127.0.0.1:8554/gate",
        ["Cameras:0:Door"] = "north-turnstile",
    };

    private static IHost Host(Dictionary<string, string?> values)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddEdgeGateOptions(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        return builder.Build();
    }

    private static async Task<IReadOnlyList<string>> StartFailureAsync(Dictionary<string, string?> values)
    {
        using var host = Host(values);
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        var problems = EdgeGateOptions.Problems(exception);
        Assert.True(problems is not null, $"the start failed for another reason: {exception}");
        return problems;
    }

    [Fact]
    public async Task A_valid_configuration_starts_and_its_sections_are_bound_options()
    {
        using var host = Host(ValidGate());

        await host.StartAsync();

        var services = host.Services;
        Assert.Equal("compound-7", services.GetRequiredService<IOptions<GatewayOptions>>().Value.SiteId);
        Assert.Equal(4, services.GetRequiredService<IOptions<RecognitionOptions>>().Value.VotesRequired);
        var door = Assert.Single(services.GetRequiredService<IOptions<List<DoorOptions>>>().Value);
        Assert.Equal((DoorKind.Log, TimeSpan.FromSeconds(2)), (door.Kind, door.PulseLength));
        Assert.Equal("north-turnstile", Assert.Single(services.GetRequiredService<IOptions<List<CameraOptions>>>().Value).Door);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_bad_value_stops_the_start_naming_its_key_as_the_configuration_check_does()
    {
        var values = ValidGate();
        values["Recognition:VotesRequired"] = "9";
        values["Cameras:0:Door"] = "south-gate";

        var problems = await StartFailureAsync(values);

        Assert.Contains("Recognition:VotesRequired: must not exceed Recognition:VoteWindow", problems);
        Assert.Contains("Cameras:0:Door: no door named 'south-gate' in Doors", problems);
        // The same messages as loading the file: the rules are in one place.
        var check = Assert.Throws<ConfigurationException>(() => EdgeGateSettings.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(values).Build()));
        Assert.Equal(check.Errors.Order(StringComparer.Ordinal), problems.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_unknown_key_or_an_unreadable_value_is_reported_with_what_is_accepted_not_as_a_binder_failure()
    {
        var values = ValidGate();
        values["Recognition:VoteWindw"] = "6";
        values["Doors:0:PulseLength"] = "2s";

        var problems = await StartFailureAsync(values);

        Assert.Contains(problems, problem => problem.StartsWith("Recognition:VoteWindw: unknown key (expected one of ", StringComparison.Ordinal));
        Assert.Contains("Doors:0:PulseLength: '2s' is not a duration like 00:00:03 (hh:mm:ss)", problems);
    }

    [Fact]
    public async Task A_rule_across_sections_is_reported_under_the_key_it_names()
    {
        var values = ValidGate();
        values["Uplink:JournalCapacity"] = "1000";
        values["Journal:HistoryMaxRows"] = "5000";

        var problems = await StartFailureAsync(values);

        var problem = Assert.Single(problems);
        Assert.StartsWith("Journal:HistoryMaxRows: must not exceed Uplink:JournalCapacity (1000)", problem, StringComparison.Ordinal);
    }
}
