using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace EdgeGate.Configuration;

/// <summary>
/// The whole configuration, bound and validated once at start. Unknown keys are errors (a typo in
/// a gate's config must not silently fall back to a default), and every error names its key.
/// </summary>
public sealed class EdgeGateSettings
{
    public GatewayOptions Gateway { get; init; } = new();
    public ModelOptions Models { get; init; } = new();
    public RecognitionOptions Recognition { get; init; } = new();
    public PolicyOptions Policy { get; init; } = new();
    public UplinkOptions Uplink { get; init; } = new();
    public JournalOptions Journal { get; init; } = new();

    /// <summary>The broker of the MQTT locks; null when the section is absent (allowed only without Kind Mqtt doors).</summary>
    public LockBrokerOptions? LockBroker { get; init; }

    public ApiOptions Api { get; init; } = new();
    public IReadOnlyList<CameraOptions> Cameras { get; init; } = [];
    public IReadOnlyList<DoorOptions> Doors { get; init; } = [];
    public IReadOnlyList<ReaderOptions> Readers { get; init; } = [];

    private static readonly string[] KnownSections =
        ["Gateway", "Models", "Recognition", "Policy", "Uplink", "Journal", "LockBroker", "Api", "Cameras", "Doors", "Readers", "Serilog"];

    /// <summary>The type each bound section is read into.</summary>
    private static readonly Dictionary<string, Type> SectionTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [GatewayOptions.SectionName] = typeof(GatewayOptions),
        [ModelOptions.SectionName] = typeof(ModelOptions),
        [RecognitionOptions.SectionName] = typeof(RecognitionOptions),
        [PolicyOptions.SectionName] = typeof(PolicyOptions),
        [UplinkOptions.SectionName] = typeof(UplinkOptions),
        [JournalOptions.SectionName] = typeof(JournalOptions),
        [LockBrokerOptions.SectionName] = typeof(LockBrokerOptions),
        [ApiOptions.SectionName] = typeof(ApiOptions),
        ["Cameras"] = typeof(List<CameraOptions>),
        ["Doors"] = typeof(List<DoorOptions>),
        ["Readers"] = typeof(List<ReaderOptions>),
    };

    /// <summary>The top-level sections a configuration may have, in the order they are documented.</summary>
    internal static IReadOnlyList<string> SectionNames => KnownSections;

    /// <summary>The type a section is bound to; null for one accepted without a schema (<c>Serilog</c>).</summary>
    internal static Type? SectionType(string name) => SectionTypes.GetValueOrDefault(name);

    /// <summary>Reads a JSON file plus <c>EDGEGATE__Section__Key</c> environment overrides.</summary>
    public static EdgeGateSettings Load(string path) => FromConfiguration(ReadConfiguration(path));

    /// <summary>
    /// The configuration <see cref="Load"/> reads: the JSON file plus <c>EDGEGATE__Section__Key</c>
    /// environment overrides, not yet checked.
    /// </summary>
    /// <exception cref="ConfigurationException">The file is missing or not valid JSON.</exception>
    public static IConfiguration ReadConfiguration(string path)
    {
        if (!File.Exists(path))
        {
            throw new ConfigurationException([$"configuration file not found: {path}"]);
        }
        IConfiguration configuration;
        try
        {
            configuration = new ConfigurationBuilder()
                .AddJsonFile(Path.GetFullPath(path), optional: false, reloadOnChange: false)
                .AddEnvironmentVariables("EDGEGATE__")
                .Build();
        }
        catch (Exception exception) when (exception is FormatException or InvalidDataException or IOException)
        {
            throw new ConfigurationException([$"{path}: not valid JSON: {exception.InnerException?.Message ?? exception.Message}"]);
        }
        return configuration;
    }

    /// <exception cref="ConfigurationException">The configuration has problems; every one is listed with its key.</exception>
    public static EdgeGateSettings FromConfiguration(IConfiguration configuration)
    {
        var check = Check(configuration);
        if (check.Errors.Count > 0)
        {
            throw new ConfigurationException(check.Errors);
        }
        return check.Settings;
    }

    /// <summary>
    /// Checks a configuration: every problem (each naming its key), the settings read from it (a
    /// default where a value could not be read) and the configuration without the entries reported.
    /// <see cref="FromConfiguration"/> and the options validated at the host's start
    /// (<see cref="EdgeGateOptions"/>) both report what this finds.
    /// </summary>
    internal static ConfigurationCheck Check(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = new List<string>();
        foreach (var section in configuration.GetChildren())
        {
            if (!KnownSections.Contains(section.Key, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{section.Key}: unknown section (expected one of {string.Join(", ", KnownSections)})");
            }
        }

        // Keys and values are checked against their types first, so one bad value is reported with
        // what is accepted and does not empty its whole section.
        var values = ConfigurationValueCheck.Run(configuration, SectionTypes);
        errors.AddRange(values.Errors);
        var checkedConfiguration = values.Checked;

        T Bind<T>(string key) where T : new()
        {
            try
            {
                return checkedConfiguration.GetSection(key).Get<T>(options => options.ErrorOnUnknownConfiguration = true) ?? new T();
            }
            catch (InvalidOperationException exception)
            {
                errors.Add($"{key}: {exception.InnerException?.Message ?? exception.Message}");
                return new T();
            }
        }

        var settings = new EdgeGateSettings
        {
            Gateway = Bind<GatewayOptions>(GatewayOptions.SectionName),
            Models = Bind<ModelOptions>(ModelOptions.SectionName),
            Recognition = Bind<RecognitionOptions>(RecognitionOptions.SectionName),
            Policy = Bind<PolicyOptions>(PolicyOptions.SectionName),
            Uplink = Bind<UplinkOptions>(UplinkOptions.SectionName),
            Journal = Bind<JournalOptions>(JournalOptions.SectionName),
            // Present even when empty ("LockBroker": {} means all defaults).
            LockBroker = checkedConfiguration.GetChildren().Any(section => string.Equals(section.Key, LockBrokerOptions.SectionName, StringComparison.OrdinalIgnoreCase))
                ? Bind<LockBrokerOptions>(LockBrokerOptions.SectionName)
                : null,
            Api = Bind<ApiOptions>(ApiOptions.SectionName),
            Cameras = Bind<List<CameraOptions>>("Cameras"),
            Doors = Bind<List<DoorOptions>>("Doors"),
            Readers = Bind<List<ReaderOptions>>("Readers"),
        };
        // An object whose value could not be read was checked with a default in its place: what
        // else is said about it would mislead (a bad Kind is not "given but Kind is Log").
        errors.AddRange(settings.Validate().Where(error =>
            !values.ObjectsWithUnreadableValues.Any(path => error.StartsWith(path + ":", StringComparison.OrdinalIgnoreCase))));
        return new ConfigurationCheck(settings, checkedConfiguration, errors);
    }

    /// <summary>All problems found, each as "Key:Path: reason".</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        ValidateObject(Gateway, GatewayOptions.SectionName, errors);
        ValidateObject(Models, ModelOptions.SectionName, errors);
        ValidateObject(Recognition, RecognitionOptions.SectionName, errors);
        ValidateObject(Uplink, UplinkOptions.SectionName, errors);
        ValidateObject(Journal, JournalOptions.SectionName, errors);
        if (Journal.HistoryRetention <= TimeSpan.Zero)
        {
            errors.Add("Journal:HistoryRetention: must be positive");
        }
        if (Journal.HistoryMaxRows > Uplink.JournalCapacity)
        {
            errors.Add($"Journal:HistoryMaxRows: must not exceed Uplink:JournalCapacity ({Uplink.JournalCapacity}), the cap on all journal rows");
        }
        ValidateObject(Api, ApiOptions.SectionName, errors);

        if (Recognition.VotesRequired > Recognition.VoteWindow)
        {
            errors.Add("Recognition:VotesRequired: must not exceed Recognition:VoteWindow");
        }
        if (Recognition.OneFrameDecisions)
        {
            // One frame decides alone only above the vote's own bars.
            foreach (var (name, value, floorName, floor) in new[]
            {
                ("OneFrameSimilarity", Recognition.OneFrameSimilarity, "MatchThreshold", Recognition.MatchThreshold),
                ("OneFrameMargin", Recognition.OneFrameMargin, "Margin", Recognition.Margin),
                ("OneFrameLiveness", Recognition.OneFrameLiveness, "LivenessThreshold", Recognition.LivenessThreshold),
            })
            {
                if (value < floor)
                {
                    errors.Add(string.Create(CultureInfo.InvariantCulture,
                        $"Recognition:{name}: {value} is below Recognition:{floorName} ({floor}); raise it, or set Recognition:OneFrameDecisions to false"));
                }
            }
        }
        if (Recognition.SnapshotRetention <= TimeSpan.Zero)
        {
            errors.Add("Recognition:SnapshotRetention: must be positive");
        }
        if (Recognition.InfraredMaximumSkew <= TimeSpan.Zero || Recognition.InfraredMaximumSkew > TimeSpan.FromSeconds(2))
        {
            errors.Add($"Recognition:InfraredMaximumSkew: must be between 0 and 2 s (got {Recognition.InfraredMaximumSkew})");
        }
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(Gateway.TimeZone, out _))
        {
            errors.Add($"Gateway:TimeZone: '{Gateway.TimeZone}' is not a known time zone (use an IANA name such as Asia/Shanghai)");
        }
        if (Policy.Passback is not ("Off" or "Soft" or "Hard"))
        {
            errors.Add($"Policy:Passback: '{Policy.Passback}' must be Off, Soft or Hard");
        }
        if (Policy.Cooldown < TimeSpan.Zero)
        {
            errors.Add("Policy:Cooldown: must not be negative");
        }
        if (Uplink.Enabled && Uplink.AckTimeout <= TimeSpan.Zero)
        {
            errors.Add("Uplink:AckTimeout: must be positive");
        }
        if (Uplink.Enabled)
        {
            if (Uplink.PollInterval <= TimeSpan.Zero || Uplink.PollInterval > TimeSpan.FromSeconds(10))
            {
                errors.Add($"Uplink:PollInterval: must be between 0 and 10 s (got {Uplink.PollInterval})");
            }
            if (Uplink.StateInterval < TimeSpan.FromSeconds(1))
            {
                errors.Add("Uplink:StateInterval: must be at least 1 s");
            }
            if (Uplink.UnlockMaximumLifetime < TimeSpan.FromSeconds(1) || Uplink.UnlockMaximumLifetime > UplinkOptions.UnlockMaximumLifetimeLimit)
            {
                errors.Add($"Uplink:UnlockMaximumLifetime: must be between 1 s and {UplinkOptions.UnlockMaximumLifetimeLimit.TotalMinutes:0} minutes (got {Uplink.UnlockMaximumLifetime})");
            }
            Uplink.ValidateConnection(UplinkOptions.SectionName, errors);
        }
        if (Doors.FirstOrDefault(door => door.Kind == DoorKind.Mqtt) is { } mqttDoor)
        {
            if (LockBroker is null)
            {
                errors.Add($"{LockBrokerOptions.SectionName}: required when a door has Kind Mqtt (door '{mqttDoor.Name}'): " +
                    "the broker the locks are on, e.g. { \"Host\": \"127.0.0.1\", \"Port\": 1883 }");
            }
            else
            {
                ValidateObject(LockBroker, LockBrokerOptions.SectionName, errors);
                LockBroker.ValidateConnection(LockBrokerOptions.SectionName, errors);
            }
        }
        if (Api.Enabled && !Uri.TryCreate(Api.Url, UriKind.Absolute, out _))
        {
            errors.Add($"Api:Url: '{Api.Url}' is not an absolute URL");
        }

        var doorNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Doors.Count; i++)
        {
            var door = Doors[i];
            var key = $"Doors:{i}";
            ValidateObject(door, key, errors);
            if (!doorNames.Add(door.Name))
            {
                errors.Add($"{key}:Name: door '{door.Name}' is defined twice");
            }
            if (door.PulseLength <= TimeSpan.Zero || door.PulseLength > TimeSpan.FromMinutes(1))
            {
                errors.Add($"{key}:PulseLength: must be between 0 and 1 minute (got {door.PulseLength})");
            }
            ValidateKind(door, key, errors);
            if (door.HeldOpenAfter <= TimeSpan.Zero || door.HeldOpenAfter > TimeSpan.FromHours(1))
            {
                errors.Add($"{key}:HeldOpenAfter: must be between 0 and 1 hour (got {door.HeldOpenAfter})");
            }
            if (door.ModbusRtu is { } modbus)
            {
                if (modbus.InputPollInterval < TimeSpan.FromMilliseconds(20) || modbus.InputPollInterval > TimeSpan.FromSeconds(5))
                {
                    errors.Add($"{key}:ModbusRtu:InputPollInterval: must be between 20 ms and 5 s (got {modbus.InputPollInterval})");
                }
                if (modbus.DoorSensorInput is { } sensor && modbus.ExitButtonInput is { } button
                    && (sensor == button || Math.Abs(sensor - button) >= Devices.Modbus.ModbusRtuFraming.MaximumBitCount))
                {
                    errors.Add($"{key}:ModbusRtu:ExitButtonInput: must differ from DoorSensorInput and lie within {Devices.Modbus.ModbusRtuFraming.MaximumBitCount} inputs of it (they are read in one request)");
                }
                if (modbus.DevicePulse is { } devicePulse)
                {
                    ValidateObject(devicePulse, $"{key}:ModbusRtu:DevicePulse", errors);
                    if (devicePulse.Unit <= TimeSpan.Zero)
                    {
                        errors.Add($"{key}:ModbusRtu:DevicePulse:Unit: must be positive (got {devicePulse.Unit})");
                    }
                    if (devicePulse.CommandBase + devicePulse.MaximumUnits > ushort.MaxValue)
                    {
                        errors.Add($"{key}:ModbusRtu:DevicePulse: CommandBase + MaximumUnits must fit in a register (at most 65535)");
                    }
                }
            }
            if (door.Mqtt is { } mqttLock)
            {
                if (mqttLock.ConfirmTimeout <= TimeSpan.Zero || mqttLock.ConfirmTimeout > TimeSpan.FromMinutes(1))
                {
                    errors.Add($"{key}:Mqtt:ConfirmTimeout: must be between 0 and 1 minute (got {mqttLock.ConfirmTimeout})");
                }
                if (mqttLock.Topic.IndexOfAny(['+', '#']) >= 0 || (mqttLock.StateTopic?.IndexOfAny(['+', '#']) ?? -1) >= 0
                    || mqttLock.BaseTopic.IndexOfAny(['+', '#']) >= 0)
                {
                    errors.Add($"{key}:Mqtt:Topic: must not contain MQTT wildcards");
                }
                if (!string.IsNullOrEmpty(mqttLock.StateTopic) && mqttLock.Flavor != MqttLockFlavor.HomeAssistant)
                {
                    errors.Add($"{key}:Mqtt:StateTopic: only for Flavor HomeAssistant ({mqttLock.Flavor} state topics follow from Topic)");
                }
                if (mqttLock.Flavor == MqttLockFlavor.Zigbee2Mqtt && string.IsNullOrWhiteSpace(mqttLock.BaseTopic))
                {
                    errors.Add($"{key}:Mqtt:BaseTopic: required for Flavor Zigbee2Mqtt (Zigbee2MQTT's mqtt.base_topic)");
                }
            }
            if (door.Schedule is not null)
            {
                ValidateSchedule(door.Schedule, $"{key}:Schedule", errors);
            }
        }

        var cameraNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Cameras.Count; i++)
        {
            var camera = Cameras[i];
            var key = $"Cameras:{i}";
            ValidateObject(camera, key, errors);
            if (!cameraNames.Add(camera.Name))
            {
                errors.Add($"{key}:Name: camera '{camera.Name}' is defined twice");
            }
            if (!doorNames.Contains(camera.Door))
            {
                errors.Add($"{key}:Door: no door named '{camera.Door}' in Doors");
            }
            if (camera.OpenTimeout <= TimeSpan.Zero || camera.ReadTimeout <= TimeSpan.Zero)
            {
                errors.Add($"{key}: OpenTimeout and ReadTimeout must be positive");
            }
            if (camera.InitialBackoff <= TimeSpan.Zero || camera.MaximumBackoff < camera.InitialBackoff)
            {
                errors.Add($"{key}: InitialBackoff must be positive and MaximumBackoff at least InitialBackoff");
            }
            if (camera.MaximumFrameAge <= TimeSpan.Zero)
            {
                errors.Add($"{key}:MaximumFrameAge: must be positive");
            }
        }
        ValidateInfraredPairs(errors);

        for (var i = 0; i < Readers.Count; i++)
        {
            var reader = Readers[i];
            var key = $"Readers:{i}";
            ValidateObject(reader, key, errors);
            if (!doorNames.Contains(reader.Door))
            {
                errors.Add($"{key}:Door: no door named '{reader.Door}' in Doors");
            }
        }
        return errors;
    }

    /// <summary>Each InfraredOf names another, ordinary camera of the same door, and a colour camera has at most one infrared camera.</summary>
    private void ValidateInfraredPairs(List<string> errors)
    {
        var byName = new Dictionary<string, CameraOptions>(StringComparer.OrdinalIgnoreCase);
        foreach (var camera in Cameras)
        {
            byName.TryAdd(camera.Name, camera);
        }
        var paired = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Cameras.Count; i++)
        {
            var camera = Cameras[i];
            if (camera.InfraredOf is null)
            {
                continue;
            }
            var key = $"Cameras:{i}:InfraredOf";
            if (!byName.TryGetValue(camera.InfraredOf, out var colour))
            {
                errors.Add($"{key}: no camera named '{camera.InfraredOf}' in Cameras");
            }
            else if (string.Equals(colour.Name, camera.Name, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{key}: a camera cannot be its own infrared camera");
            }
            else if (colour.InfraredOf is not null)
            {
                errors.Add($"{key}: '{colour.Name}' is itself an infrared camera (of '{colour.InfraredOf}')");
            }
            else if (!string.Equals(colour.Door, camera.Door, StringComparison.Ordinal))
            {
                errors.Add($"{key}: '{colour.Name}' watches door '{colour.Door}' but this camera watches '{camera.Door}' (a pair watches one door)");
            }
            else if (!paired.TryAdd(colour.Name, camera.Name))
            {
                errors.Add($"{key}: '{colour.Name}' already has infrared camera '{paired[colour.Name]}'");
            }
        }
    }

    private static void ValidateKind(DoorOptions door, string key, List<string> errors)
    {
        var present = new (DoorKind Kind, object? Section)[]
        {
            (DoorKind.ModbusRtu, door.ModbusRtu),
            (DoorKind.Lcus, door.Lcus),
            (DoorKind.Mqtt, door.Mqtt),
        };
        foreach (var (kind, section) in present)
        {
            if (kind == door.Kind && section is null)
            {
                errors.Add($"{key}:{kind}: required when Kind is {kind}");
            }
            else if (kind != door.Kind && section is not null)
            {
                errors.Add($"{key}:{kind}: given but Kind is {door.Kind}");
            }
            else if (section is not null)
            {
                ValidateObject(section, $"{key}:{kind}", errors);
            }
        }
    }

    private static void ValidateSchedule(ScheduleOptions schedule, string key, List<string> errors)
    {
        var days = new (string Day, string[] Ranges)[]
        {
            ("Monday", schedule.Monday), ("Tuesday", schedule.Tuesday), ("Wednesday", schedule.Wednesday),
            ("Thursday", schedule.Thursday), ("Friday", schedule.Friday), ("Saturday", schedule.Saturday),
            ("Sunday", schedule.Sunday), ("HolidayHours", schedule.HolidayHours),
        };
        foreach (var (day, ranges) in days)
        {
            foreach (var range in ranges)
            {
                if (!TryParseTimeRange(range, out _, out _))
                {
                    errors.Add($"{key}:{day}: '{range}' is not a time range like 07:00-19:30");
                }
            }
        }
        foreach (var holiday in schedule.Holidays)
        {
            if (!DateOnly.TryParseExact(holiday, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                errors.Add($"{key}:Holidays: '{holiday}' is not a date like 2026-12-25");
            }
        }
        foreach (var category in schedule.AppliesTo)
        {
            if (!Enum.TryParse<Core.Persons.PersonCategory>(category, ignoreCase: false, out _))
            {
                errors.Add($"{key}:AppliesTo: '{category}' is not a person category (Resident, Staff, Visitor)");
            }
        }
    }

    /// <summary>Parses "HH:mm-HH:mm"; an end before the start crosses midnight.</summary>
    public static bool TryParseTimeRange(string text, out TimeOnly start, out TimeOnly end)
    {
        start = end = default;
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        return parts.Length == 2
            && TimeOnly.TryParseExact(parts[0], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out start)
            && (TimeOnly.TryParseExact(parts[1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out end) || parts[1] == "24:00")
            && parts[0] != parts[1];
    }

    private static void ValidateObject(object value, string key, List<string> errors)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true))
        {
            foreach (var result in results)
            {
                var member = result.MemberNames.FirstOrDefault();
                errors.Add(member is null ? $"{key}: {result.ErrorMessage}" : $"{key}:{member}: {result.ErrorMessage}");
            }
        }
    }
}

/// <summary>What <see cref="EdgeGateSettings.Check"/> found.</summary>
/// <param name="Settings">The settings read (a default where a value could not be read).</param>
/// <param name="Checked">The configuration without the entries reported as unknown or unreadable: what is bound.</param>
/// <param name="Errors">Every problem, each as "Key:Path: reason".</param>
internal sealed record ConfigurationCheck(EdgeGateSettings Settings, IConfiguration Checked, IReadOnlyList<string> Errors);

/// <summary>The configuration is wrong; <see cref="Errors"/> lists every problem with its key.</summary>
public sealed class ConfigurationException(IReadOnlyList<string> errors)
    : Exception("invalid configuration:\n  " + string.Join("\n  ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
