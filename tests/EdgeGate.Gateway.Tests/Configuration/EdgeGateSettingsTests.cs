using EdgeGate.Configuration;
using Microsoft.Extensions.Configuration;

namespace EdgeGate.Gateway.Tests.Configuration;

public sealed class EdgeGateSettingsTests
{
    private static Dictionary<string, string?> ValidGate() => new()
    {
        ["Gateway:SiteId"] = "compound-7",
        ["Gateway:GatewayId"] = "north-gate",
        ["Gateway:DataDirectory"] = "/tmp/edgegate-test",
        ["Gateway:TimeZone"] = "Asia/Shanghai",
        ["Doors:0:Name"] = "north-turnstile",
        ["Doors:0:Kind"] = "ModbusRtu",
        ["Doors:0:PulseLength"] = "00:00:02",
        ["Doors:0:ModbusRtu:Port"] = "/dev/ttyUSB0",
        ["Doors:0:ModbusRtu:SlaveId"] = "1",
        ["Doors:0:Schedule:Monday:0"] = "07:00-19:00",
        ["Doors:0:Schedule:Friday:0"] = "22:00-06:00",
        ["Doors:0:Schedule:Holidays:0"] = "2026-12-25",
        ["Cameras:0:Name"] = "north-cam",
        ["Cameras:0:Url"] = "rtsp://127.0.0.1:8554/gate",
        ["Cameras:0:Door"] = "north-turnstile",
        ["Readers:0:Name"] = "north-reader",
        ["Readers:0:Port"] = "/dev/ttyUSB1",
        ["Readers:0:Door"] = "north-turnstile",
    };

    private static EdgeGateSettings Load(Dictionary<string, string?> values) =>
        EdgeGateSettings.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    private static ConfigurationException Invalid(Dictionary<string, string?> values) =>
        Assert.Throws<ConfigurationException>(() => Load(values));

    [Fact]
    public void A_complete_gate_configuration_binds_every_section()
    {
        var settings = Load(ValidGate());

        Assert.Equal("compound-7", settings.Gateway.SiteId);
        var door = Assert.Single(settings.Doors);
        Assert.Equal(DoorKind.ModbusRtu, door.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), door.PulseLength);
        Assert.Equal("/dev/ttyUSB0", door.ModbusRtu!.Port);
        Assert.Equal(["22:00-06:00"], door.Schedule!.Friday);
        Assert.Equal("north-turnstile", Assert.Single(settings.Cameras).Door);
        Assert.Equal(CardReaderFormat.AsciiLine, Assert.Single(settings.Readers).Format);
    }

    [Fact]
    public void An_unknown_key_is_rejected_with_its_name()
    {
        var values = ValidGate();
        values["Doors:0:PulseLenght"] = "00:00:02";

        var error = Invalid(values);

        Assert.Contains(error.Errors, e => e.StartsWith("Doors:", StringComparison.Ordinal) && e.Contains("PulseLenght", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_section_is_rejected()
    {
        var values = ValidGate();
        values["Camera:0:Name"] = "typo";

        var error = Invalid(values);

        Assert.Contains(error.Errors, e => e.StartsWith("Camera: unknown section", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Doors:0:Kind", "Z2M", "Doors:0:Kind: 'Z2M' is not a valid value; use one of Log, ModbusRtu, Lcus, Mqtt")]
    [InlineData("Doors:0:Direction", "In", "Doors:0:Direction: 'In' is not a valid value; use one of Both, Entry, Exit")]
    [InlineData("Doors:0:FailMode", "1", "Doors:0:FailMode: '1' is not a valid value; use one of FailSecure, FailSafe")]
    [InlineData("Readers:0:Format", "Wiegand", "Readers:0:Format: 'Wiegand' is not a valid value; use one of AsciiLine, Wiegand26")]
    [InlineData("Doors:0:PulseLength", "3s", "Doors:0:PulseLength: '3s' is not a duration like 00:00:03 (hh:mm:ss)")]
    [InlineData("Doors:0:ModbusRtu:SlaveId", "one", "Doors:0:ModbusRtu:SlaveId: 'one' is not a whole number")]
    [InlineData("Recognition:StrangerSnapshots", "yes", "Recognition:StrangerSnapshots: 'yes' is not true or false")]
    [InlineData("Doors:0:PulseLenght", "00:00:02", "Doors:0:PulseLenght: unknown key (expected one of Name, Kind, Direction, FailMode, PulseLength, HeldOpenAfter, Enabled, PassbackGroup, Schedule, ModbusRtu, Lcus, Mqtt)")]
    public void A_value_of_the_wrong_type_names_key_value_and_what_is_accepted_and_nothing_else(string key, string value, string expected)
    {
        var values = ValidGate();
        values[key] = value;

        // Alone: the door, its camera and its reader are still known ("no door named ..." would be false).
        Assert.Equal([expected], Invalid(values).Errors);
    }

    [Fact]
    public void A_wrong_lock_flavour_or_kind_hides_nothing_else_and_adds_nothing_false()
    {
        var values = WithMqttLockDoor(ValidGate());
        values["LockBroker:Host"] = "127.0.0.1";
        values["Doors:1:Mqtt:Flavor"] = "Z2M";
        values["Cameras:1:Name"] = "lobby-cam";
        values["Cameras:1:Url"] = "rtsp://127.0.0.1:8554/lobby";
        values["Cameras:1:Door"] = "lobby";
        values["Readers:1:Name"] = "lobby-reader";
        values["Readers:1:Port"] = "/dev/ttyUSB2";
        values["Readers:1:Door"] = "lobby";
        values["Readers:1:Format"] = "Wiegand";
        values["Doors:0:PulseLength"] = "00:05:00";

        Assert.Equal(
            [
                "Doors:1:Mqtt:Flavor: 'Z2M' is not a valid value; use one of HomeAssistant, Zigbee2Mqtt, Tasmota",
                "Readers:1:Format: 'Wiegand' is not a valid value; use one of AsciiLine, Wiegand26",
                "Doors:0:PulseLength: must be between 0 and 1 minute (got 00:05:00)",
            ],
            Invalid(values).Errors);

        values["Doors:1:Mqtt:Flavor"] = "Zigbee2Mqtt";
        values["Doors:1:Kind"] = "MQTT-lock";
        values["Readers:1:Format"] = "wiegand26";
        values["Doors:0:PulseLength"] = "00:00:02";
        // Not "Doors:1:Mqtt: given but Kind is Log": the kind is unknown, not Log.
        Assert.Equal(["Doors:1:Kind: 'MQTT-lock' is not a valid value; use one of Log, ModbusRtu, Lcus, Mqtt"], Invalid(values).Errors);

        values["Doors:1:Kind"] = "mqtt";
        Assert.Equal(MqttLockFlavor.Zigbee2Mqtt, Load(values).Doors[1].Mqtt!.Flavor);
        Assert.Equal(CardReaderFormat.Wiegand26, Load(values).Readers[1].Format);
    }

    [Fact]
    public void The_kind_needs_its_own_section_and_no_other()
    {
        var values = ValidGate();
        values.Remove("Doors:0:ModbusRtu:Port");
        values.Remove("Doors:0:ModbusRtu:SlaveId");
        values["Doors:0:Lcus:Port"] = "/dev/ttyUSB0";

        var error = Invalid(values);

        Assert.Contains("Doors:0:ModbusRtu: required when Kind is ModbusRtu", error.Errors);
        Assert.Contains("Doors:0:Lcus: given but Kind is ModbusRtu", error.Errors);
    }

    [Theory]
    [InlineData("Cameras:0:Door", "south-door", "Cameras:0:Door: no door named 'south-door' in Doors")]
    [InlineData("Gateway:TimeZone", "Mars/Olympus", "Gateway:TimeZone: 'Mars/Olympus' is not a known time zone (use an IANA name such as Asia/Shanghai)")]
    [InlineData("Doors:0:Schedule:Monday:0", "7am-7pm", "Doors:0:Schedule:Monday: '7am-7pm' is not a time range like 07:00-19:30")]
    [InlineData("Doors:0:Schedule:Holidays:0", "25/12/2026", "Doors:0:Schedule:Holidays: '25/12/2026' is not a date like 2026-12-25")]
    [InlineData("Doors:0:PulseLength", "00:05:00", "Doors:0:PulseLength: must be between 0 and 1 minute (got 00:05:00)")]
    [InlineData("Policy:Passback", "Sometimes", "Policy:Passback: 'Sometimes' must be Off, Soft or Hard")]
    [InlineData("Gateway:SiteId", "compound 7/a", "Gateway:SiteId: SiteId may hold letters, digits, '-' and '_' (1-64)")]
    [InlineData("Doors:0:HeldOpenAfter", "00:00:00", "Doors:0:HeldOpenAfter: must be between 0 and 1 hour (got 00:00:00)")]
    [InlineData("Doors:0:ModbusRtu:InputPollInterval", "00:00:00.005", "Doors:0:ModbusRtu:InputPollInterval: must be between 20 ms and 5 s (got 00:00:00.0050000)")]
    [InlineData("Doors:0:ModbusRtu:DoorSensorInput", "-1", "Doors:0:ModbusRtu:DoorSensorInput: The field DoorSensorInput must be between 0 and 65535.")]
    [InlineData("Doors:0:ModbusRtu:DevicePulse:CommandBase", "65500", "Doors:0:ModbusRtu:DevicePulse: CommandBase + MaximumUnits must fit in a register (at most 65535)")]
    [InlineData("Doors:0:ModbusRtu:DevicePulse:Unit", "00:00:00", "Doors:0:ModbusRtu:DevicePulse:Unit: must be positive (got 00:00:00)")]
    public void A_wrong_value_is_reported_with_key_and_reason(string key, string value, string expected)
    {
        var values = ValidGate();
        values[key] = value;

        var error = Invalid(values);

        Assert.Contains(expected, error.Errors);
    }

    [Fact]
    public void Door_inputs_and_a_board_timed_pulse_bind_and_the_two_inputs_must_differ()
    {
        var values = ValidGate();
        values["Doors:0:HeldOpenAfter"] = "00:01:00";
        values["Doors:0:ModbusRtu:DoorSensorInput"] = "0";
        values["Doors:0:ModbusRtu:DoorSensorOnMeansClosed"] = "false";
        values["Doors:0:ModbusRtu:ExitButtonInput"] = "1";
        values["Doors:0:ModbusRtu:DevicePulse:Register"] = "1";
        values["Doors:0:ModbusRtu:DevicePulse:CommandBase"] = "1536";

        var door = Assert.Single(Load(values).Doors);

        Assert.Equal(TimeSpan.FromMinutes(1), door.HeldOpenAfter);
        Assert.Equal((0, false, 1), (door.ModbusRtu!.DoorSensorInput, door.ModbusRtu.DoorSensorOnMeansClosed, door.ModbusRtu.ExitButtonInput));
        Assert.Equal(TimeSpan.FromMilliseconds(200), door.ModbusRtu.InputPollInterval);
        Assert.Equal((1, 0x0600, TimeSpan.FromSeconds(1), 255),
            (door.ModbusRtu.DevicePulse!.Register, door.ModbusRtu.DevicePulse.CommandBase, door.ModbusRtu.DevicePulse.Unit, door.ModbusRtu.DevicePulse.MaximumUnits));

        values["Doors:0:ModbusRtu:ExitButtonInput"] = "0";
        Assert.Contains(Invalid(values).Errors, e => e.StartsWith("Doors:0:ModbusRtu:ExitButtonInput: must differ from DoorSensorInput", StringComparison.Ordinal));
    }

    [Fact]
    public void The_gallery_precision_reaches_the_gate_gallery()
    {
        var values = ValidGate();
        values["Recognition:GalleryPrecision"] = "Int8";

        var settings = Load(values);
        using var gallery = EdgeGate.Recognition.LiveGateRegistration.CreateGallery(settings.Recognition);

        Assert.Equal(EdgeGate.Gallery.GalleryPrecision.Int8, gallery.Precision);
        using var exact = EdgeGate.Recognition.LiveGateRegistration.CreateGallery(Load(ValidGate()).Recognition);
        Assert.Equal(EdgeGate.Gallery.GalleryPrecision.Float32, exact.Precision);
        values["Recognition:GalleryPrecision"] = "Int4";
        Assert.Equal(["Recognition:GalleryPrecision: 'Int4' is not a valid value; use one of Float32, Int8"], Invalid(values).Errors);
    }

    [Fact]
    public void Votes_cannot_exceed_the_window()
    {
        var values = ValidGate();
        values["Recognition:VotesRequired"] = "6";
        values["Recognition:VoteWindow"] = "5";

        Assert.Contains("Recognition:VotesRequired: must not exceed Recognition:VoteWindow", Invalid(values).Errors);
    }

    [Fact]
    public void One_frame_bars_below_the_votes_own_bars_are_refused_unless_one_frame_decisions_are_off()
    {
        var values = ValidGate();
        values["Recognition:MatchThreshold"] = "0.65";
        values["Recognition:OneFrameLiveness"] = "0.4";

        Assert.Equal(
            [
                "Recognition:OneFrameSimilarity: 0.6 is below Recognition:MatchThreshold (0.65); raise it, or set Recognition:OneFrameDecisions to false",
                "Recognition:OneFrameLiveness: 0.4 is below Recognition:LivenessThreshold (0.5); raise it, or set Recognition:OneFrameDecisions to false",
            ],
            Invalid(values).Errors);

        values["Recognition:OneFrameDecisions"] = "false";
        Assert.False(Load(values).Recognition.OneFrameDecisions);
    }

    [Fact]
    public void A_door_defined_twice_is_reported()
    {
        var values = ValidGate();
        values["Doors:1:Name"] = "NORTH-turnstile";

        Assert.Contains("Doors:1:Name: door 'NORTH-turnstile' is defined twice", Invalid(values).Errors);
    }

    [Fact]
    public void A_missing_file_and_broken_json_give_clear_errors()
    {
        var missing = Assert.Throws<ConfigurationException>(() => EdgeGateSettings.Load("/nonexistent/edgegate.json"));
        Assert.Equal(["configuration file not found: /nonexistent/edgegate.json"], missing.Errors);

        var path = Path.Combine(Path.GetTempPath(), $"edgegate-broken-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{ \"Gateway\": { \"SiteId\": ");
        try
        {
            var broken = Assert.Throws<ConfigurationException>(() => EdgeGateSettings.Load(path));
            Assert.StartsWith($"{path}: not valid JSON", Assert.Single(broken.Errors), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static Dictionary<string, string?> WithMqttLockDoor(Dictionary<string, string?> values)
    {
        values["Doors:1:Name"] = "lobby";
        values["Doors:1:Kind"] = "Mqtt";
        values["Doors:1:Mqtt:Flavor"] = "Zigbee2Mqtt";
        values["Doors:1:Mqtt:Topic"] = "lobby_lock";
        return values;
    }

    [Fact]
    public void A_door_of_kind_mqtt_needs_the_lock_broker_section()
    {
        var error = Invalid(WithMqttLockDoor(ValidGate()));

        var problem = Assert.Single(error.Errors);
        Assert.StartsWith("LockBroker: required when a door has Kind Mqtt (door 'lobby')", problem, StringComparison.Ordinal);
        Assert.Null(Load(ValidGate()).LockBroker);
    }

    [Fact]
    public void The_lock_broker_defaults_to_the_local_broker_and_takes_its_password_from_the_credentials_directory()
    {
        var values = WithMqttLockDoor(ValidGate());
        values["LockBroker:Username"] = "edgegate";
        var settings = Load(values);
        var directory = Directory.CreateTempSubdirectory("edgegate-cred-").FullName;
        try
        {
            EdgeGate.Storage.Privacy.CredentialFile.WriteText(directory, LockBrokerOptions.PasswordFileName, "z2m-s3cret", overwrite: true);

            var options = EdgeGate.Access.LockBrokerConnection.CreateOptions(settings, directory);

            Assert.Equal(("127.0.0.1", 1883), (options.Host, options.Port));
            Assert.Equal(("edgegate", "z2m-s3cret"), (options.Username, options.Password));
            Assert.Equal("edgegate-north-gate-locks", options.ClientId);
            Assert.Null(options.CaCertificatePath);
            Assert.Null(options.WillTopic);
            options.Validate();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Lock_broker_values_are_validated_with_their_keys_only_when_a_door_uses_it()
    {
        var values = ValidGate();
        values["LockBroker:Port"] = "0";
        values["LockBroker:KeepAlive"] = "00:00:01";
        values["LockBroker:ClientCertificateFile"] = "/etc/edgegate/lock-client.pem";
        values["LockBroker:ClientId"] = "edge gate";
        Assert.Equal(0, Load(values).LockBroker!.Port);

        var error = Invalid(WithMqttLockDoor(values));

        Assert.Contains(error.Errors, e => e.StartsWith("LockBroker:Port:", StringComparison.Ordinal));
        Assert.Contains("LockBroker:KeepAlive: must be at least 5 s", error.Errors);
        Assert.Contains("LockBroker:ClientCertificateFile: and LockBroker:ClientKeyFile go together", error.Errors);
        Assert.Contains("LockBroker:ClientCertificateFile: needs LockBroker:CaFile (TLS)", error.Errors);
        Assert.Contains(error.Errors, e => e.StartsWith("LockBroker:ClientId:", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_lock_broker_key_and_a_state_topic_the_flavour_ignores_are_rejected()
    {
        var values = WithMqttLockDoor(ValidGate());
        values["LockBroker:Hostname"] = "zigbee.local";
        values["Doors:1:Mqtt:StateTopic"] = "zigbee2mqtt/lobby_lock/state";

        var error = Invalid(values);

        Assert.Contains(error.Errors, e => e.StartsWith("LockBroker:", StringComparison.Ordinal) && e.Contains("Hostname", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("Doors:1:Mqtt:StateTopic: only for Flavor HomeAssistant", StringComparison.Ordinal));
    }

    [Fact]
    public void An_empty_lock_broker_section_in_the_file_means_all_defaults()
    {
        var path = Path.Combine(Path.GetTempPath(), $"edgegate-lockbroker-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """
            {
              "Gateway": { "SiteId": "s", "GatewayId": "g", "TimeZone": "UTC" },
              "Doors": [ { "Name": "lobby", "Kind": "Mqtt", "Mqtt": { "Flavor": "Zigbee2Mqtt", "Topic": "lobby_lock" } } ],
              "LockBroker": {}
            }
            """);
        try
        {
            var settings = EdgeGateSettings.Load(path);

            Assert.Equal(("127.0.0.1", 1883, ""), (settings.LockBroker!.Host, settings.LockBroker.Port, settings.LockBroker.Username));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
