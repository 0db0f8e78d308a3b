using EdgeGate.Core.Access;
using EdgeGate.Core.Persons;
using EdgeGate.Configuration;
using EdgeGate.Access;
using DoorDirection = EdgeGate.Core.Access.DoorDirection;
using EdgeGate.TestSupport;

namespace EdgeGate.Gateway.Tests.Access;

/// <summary>The example configuration mapped to the policy's types.</summary>
public sealed class AccessConfigurationTests
{
    [Fact]
    public void Example_gate_configuration_maps_to_policy_settings_and_doors()
    {
        var settings = EdgeGateSettings.Load(Path.Combine(RepositoryPaths.Root, "deploy", "config", "gate-two-cameras-modbus.json"));

        var access = AccessConfiguration.ToAccessSettings(settings);
        var doors = settings.Doors.Select(AccessConfiguration.ToDoor).ToList();

        Assert.Equal("Asia/Shanghai", access.TimeZone.Id);
        Assert.Equal(PassbackMode.Soft, access.Passback);
        Assert.Equal(WatchListAction.DenyAndAlert, access.WatchList);
        Assert.Equal(TimeSpan.FromSeconds(10), access.Cooldown);
        var entry = doors.Single(door => door.Id == "turnstile-in");
        var exit = doors.Single(door => door.Id == "turnstile-out");
        Assert.Equal((DoorDirection.Entry, "north-turnstile"), (entry.Direction, entry.AntiPassbackGroup));
        Assert.Equal(DoorDirection.Exit, exit.Direction);
        Assert.True(exit.ScheduleFor(PersonCategory.Resident).IsAlways);
        var staff = exit.ScheduleFor(PersonCategory.Staff);
        Assert.False(staff.IsAlways);
        var shanghai = access.TimeZone;
        // Monday 2027-01-04: 06:00-23:00; New Year's Day 2027-01-01 is a holiday: 08:00-20:00.
        Assert.True(staff.IsOpenAt(new DateTime(2027, 1, 4, 6, 0, 0)));
        Assert.False(staff.IsOpenAt(new DateTime(2027, 1, 4, 23, 0, 0)));
        Assert.False(staff.IsOpenAt(new DateTime(2027, 1, 1, 7, 30, 0)));
        Assert.True(staff.IsOpenAt(new DateTime(2027, 1, 1, 19, 59, 0)));
        Assert.True(staff.IsOpenAt(new DateTimeOffset(2027, 1, 4, 0, 0, 0, TimeSpan.Zero), shanghai)); // 08:00 local
        Assert.Equal(staff, exit.ScheduleFor(PersonCategory.Visitor));
    }

    [Fact]
    public void Admitting_watch_listed_persons_and_hard_passback_map_through()
    {
        var settings = new EdgeGateSettings
        {
            Gateway = new GatewayOptions { SiteId = "s", GatewayId = "g", TimeZone = "UTC" },
            Policy = new PolicyOptions { AdmitWatchListed = true, Passback = "Hard", Cooldown = TimeSpan.FromSeconds(3) },
        };

        var access = AccessConfiguration.ToAccessSettings(settings);

        Assert.Equal((WatchListAction.AllowAndAlert, PassbackMode.Hard, TimeSpan.FromSeconds(3)), (access.WatchList, access.Passback, access.Cooldown));
    }
}
