using System.Globalization;
using System.Text.Json;
using EdgeGate.Core.Doors;

namespace EdgeGate.Devices.Mqtt.Locks;

/// <summary>
/// A door strike on a Tasmota relay. A pulse sets <c>cmnd/&lt;topic&gt;/PulseTime&lt;n&gt;</c> and switches
/// <c>cmnd/&lt;topic&gt;/POWER&lt;n&gt;</c> ON: the device switches itself OFF after the pulse time, so a
/// gateway crash mid-pulse cannot leave the door open. State from <c>stat/&lt;topic&gt;/POWER&lt;n&gt;</c>
/// (and <c>stat/&lt;topic&gt;/RESULT</c>); relay ON = released.
/// </summary>
public sealed class TasmotaRelayLock : MqttLockDoor
{
    private readonly string topic;
    private readonly int relay;

    public TasmotaRelayLock(IMqttClient client, string deviceTopic, int relay, MqttLockDriverOptions options, TimeProvider timeProvider)
        : base(client, options, timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceTopic);
        ArgumentOutOfRangeException.ThrowIfLessThan(relay, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(relay, 8);
        topic = deviceTopic;
        this.relay = relay;
        StateTopics = [$"stat/{topic}/POWER{relay}", $"stat/{topic}/RESULT"];
    }

    public override DoorDriverCapabilities Capabilities =>
        DoorDriverCapabilities.Pulse | DoorDriverCapabilities.Hold | DoorDriverCapabilities.DeviceTimedPulse | DoorDriverCapabilities.ConfirmsCommands;

    public override IReadOnlyList<string> StateTopics { get; }

    /// <summary>
    /// Tasmota's PulseTime value for a duration: 1–111 are tenths of a second (0.1–11.1 s), 112 and
    /// above are seconds plus 100 (12 s → 112), up to 64900.
    /// </summary>
    public static int PulseTimeValue(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        if (duration <= TimeSpan.FromSeconds(11.1))
        {
            return Math.Max(1, (int)Math.Round(duration.TotalMilliseconds / 100, MidpointRounding.AwayFromZero));
        }
        return Math.Min(64900, (int)Math.Round(duration.TotalSeconds, MidpointRounding.AwayFromZero) + 100);
    }

    protected override MqttLockState? ParseState(string topic, string payload)
    {
        var text = payload.Trim();
        if (topic.EndsWith("/RESULT", StringComparison.Ordinal))
        {
            try
            {
                using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
                if (document.RootElement.ValueKind != JsonValueKind.Object
                    || !document.RootElement.TryGetProperty($"POWER{relay}", out var power) && (relay != 1 || !document.RootElement.TryGetProperty("POWER", out power))
                    || power.ValueKind != JsonValueKind.String)
                {
                    return null;
                }
                text = power.GetString()!;
            }
            catch (JsonException)
            {
                return null;
            }
        }
        return text.ToUpperInvariant() switch
        {
            "ON" => MqttLockState.Unlocked,
            "OFF" => MqttLockState.Locked,
            _ => null,
        };
    }

    protected override async Task<DoorCommandOutcome> PulseCoreAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var pulseTime = PulseTimeValue(duration).ToString(CultureInfo.InvariantCulture);
        if (await SendAsync($"cmnd/{topic}/PulseTime{relay}", pulseTime, cancellationToken).ConfigureAwait(false) is { } failed)
        {
            return failed;
        }
        try
        {
            var on = await SwitchAsync(on: true, cancellationToken).ConfigureAwait(false);
            if (!on.IsDone)
            {
                return on;
            }
            // The relay times the pulse; wait for it to report OFF.
            var off = await WaitForStateAsync(state => state == MqttLockState.Locked, "OFF after the pulse", duration + Options.ConfirmTimeout, cancellationToken).ConfigureAwait(false);
            return off.IsDone ? new DoorCommandOutcome.Done($"device-timed pulse (PulseTime {pulseTime}) ended") : off;
        }
        catch (OperationCanceledException)
        {
            using var relockLimit = new CancellationTokenSource(Options.ConfirmTimeout + TimeSpan.FromSeconds(5));
            await SendAsync($"cmnd/{topic}/POWER{relay}", "OFF", relockLimit.Token).ConfigureAwait(false);
            throw;
        }
    }

    protected override async Task<DoorCommandOutcome> SetCoreAsync(bool released, CancellationToken cancellationToken)
    {
        if (released && await SendAsync($"cmnd/{topic}/PulseTime{relay}", "0", cancellationToken).ConfigureAwait(false) is { } failed)
        {
            return failed;
        }
        return await SwitchAsync(released, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DoorCommandOutcome> SwitchAsync(bool on, CancellationToken cancellationToken)
    {
        ForgetState();
        if (await SendAsync($"cmnd/{topic}/POWER{relay}", on ? "ON" : "OFF", cancellationToken).ConfigureAwait(false) is { } failed)
        {
            return failed;
        }
        return await WaitForStateAsync(state => state == (on ? MqttLockState.Unlocked : MqttLockState.Locked),
            on ? "ON" : "OFF", Options.ConfirmTimeout, cancellationToken).ConfigureAwait(false);
    }
}
