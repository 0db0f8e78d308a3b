using EdgeGate.Configuration;
using Microsoft.Extensions.Configuration;

namespace EdgeGate.Gateway.Tests.Configuration;

/// <summary><c>Cameras:n:InfraredOf</c> pairs a near-infrared camera with a colour camera of the same door.</summary>
public sealed class InfraredPairingConfigurationTests
{
    private static Dictionary<string, string?> TwoDoors() => new()
    {
        ["Gateway:SiteId"] = "compound-7",
        ["Gateway:GatewayId"] = "north-gate",
        ["Gateway:DataDirectory"] = "/tmp/edgegate-test",
        ["Doors:0:Name"] = "north",
        ["Doors:0:Kind"] = "Log",
        ["Doors:1:Name"] = "south",
        ["Doors:1:Kind"] = "Log",
        ["Cameras:0:Name"] = "north-colour",
        ["Cameras:0:Url"] = "rtsp://127.0.0.1:8554/colour",
        ["Cameras:0:Door"] = "north",
        ["Cameras:1:Name"] = "north-infrared",
        ["Cameras:1:Url"] = "rtsp://127.0.0.1:8554/infrared",
        ["Cameras:1:Door"] = "north",
        ["Cameras:1:InfraredOf"] = "north-colour",
        ["Cameras:2:Name"] = "south-colour",
        ["Cameras:2:Url"] = "rtsp://127.0.0.1:8554/south",
        ["Cameras:2:Door"] = "south",
    };

    private static EdgeGateSettings Load(Dictionary<string, string?> values) =>
        EdgeGateSettings.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    private static IReadOnlyList<string> Errors(Dictionary<string, string?> values) =>
        Assert.Throws<ConfigurationException>(() => Load(values)).Errors;

    [Fact]
    public void An_infrared_camera_of_a_colour_camera_of_the_same_door_binds()
    {
        var settings = Load(TwoDoors());
        Assert.Equal("north-colour", settings.Cameras[1].InfraredOf);
        Assert.Null(settings.Cameras[0].InfraredOf);
        Assert.Equal(TimeSpan.FromMilliseconds(300), settings.Recognition.InfraredMaximumSkew);
    }

    [Theory]
    [InlineData("nowhere-cam", "Cameras:1:InfraredOf: no camera named 'nowhere-cam' in Cameras")]
    [InlineData("north-infrared", "Cameras:1:InfraredOf: a camera cannot be its own infrared camera")]
    [InlineData("south-colour", "Cameras:1:InfraredOf: 'south-colour' watches door 'south' but this camera watches 'north' (a pair watches one door)")]
    public void A_pairing_that_cannot_work_is_reported_with_its_key(string colourCamera, string expected)
    {
        var values = TwoDoors();
        values["Cameras:1:InfraredOf"] = colourCamera;
        Assert.Contains(expected, Errors(values));
    }

    [Fact]
    public void An_infrared_camera_cannot_have_an_infrared_camera_and_a_colour_camera_only_one()
    {
        var chained = TwoDoors();
        chained["Cameras:3:Name"] = "north-second-infrared";
        chained["Cameras:3:Url"] = "rtsp://127.0.0.1:8554/second";
        chained["Cameras:3:Door"] = "north";
        chained["Cameras:3:InfraredOf"] = "north-infrared";
        Assert.Contains("Cameras:3:InfraredOf: 'north-infrared' is itself an infrared camera (of 'north-colour')", Errors(chained));

        var twice = TwoDoors();
        twice["Cameras:3:Name"] = "north-second-infrared";
        twice["Cameras:3:Url"] = "rtsp://127.0.0.1:8554/second";
        twice["Cameras:3:Door"] = "north";
        twice["Cameras:3:InfraredOf"] = "north-colour";
        Assert.Contains("Cameras:3:InfraredOf: 'north-colour' already has infrared camera 'north-infrared'", Errors(twice));
    }

    [Fact]
    public void The_infrared_tolerance_is_validated()
    {
        var values = TwoDoors();
        values["Recognition:InfraredMatchTolerance"] = "5";
        values["Recognition:InfraredMaximumSkew"] = "00:00:05";
        var errors = Errors(values);
        Assert.Contains(errors, error => error.Contains("InfraredMatchTolerance", StringComparison.Ordinal));
        Assert.Contains(errors, error => error.StartsWith("Recognition:InfraredMaximumSkew: must be between 0 and 2 s", StringComparison.Ordinal));
    }
}
