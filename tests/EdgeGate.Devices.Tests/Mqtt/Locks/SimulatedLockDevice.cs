using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeGate.Devices.Mqtt;
using EdgeGate.Devices.Tests.Relays;
using EdgeGate.TestSupport.Peers;

namespace EdgeGate.Devices.Tests.Mqtt.Locks;

public enum LockFlavor
{
    HomeAssistant,
    Zigbee2Mqtt,
    Tasmota,
}

/// <summary>
/// A lock on the other side of a real broker, behaving like the named firmware: answers commands
/// with state messages, times Tasmota pulses itself, can be told to jam, and records every bolt
/// change with its time and any command published retained.
/// </summary>
internal sealed class SimulatedLockDevice : IAsyncDisposable
{
    public const string Name = "door";

    private readonly SupervisedMqttClient client;
    private readonly LockFlavor flavor;
    private readonly List<(bool Released, DateTime At)> changes = [];
    private readonly CancellationTokenSource stop = new();
    private Task? loop;
    private CancellationTokenSource? pulseTimer;
    private int pulseTime;

    private SimulatedLockDevice(SupervisedMqttClient client, LockFlavor flavor)
    {
        this.client = client;
        this.flavor = flavor;
    }

    /// <summary>Answer the next release with JAMMED (HA) / not_fully_locked (Z2M).</summary>
    public bool Jam { get; set; }

    public int RetainedCommands { get; private set; }

    public static async Task<SimulatedLockDevice> StartAsync(MosquittoBroker broker, LockFlavor flavor)
    {
        var client = await MqttTestClients.ConnectedAsync(MqttTestClients.PlainOptions(broker, "lockdev"));
        var device = new SimulatedLockDevice(client, flavor);
        var filter = flavor switch
        {
            LockFlavor.HomeAssistant => $"home/{Name}/set",
            LockFlavor.Zigbee2Mqtt => $"zigbee2mqtt/{Name}/set",
            _ => $"cmnd/{Name}/#",
        };
        using var timeout = new CancellationTokenSource(MqttTestClients.WaitLimit);
        await client.SubscribeAsync(filter, MqttQualityOfService.AtLeastOnce, timeout.Token);
        device.loop = Task.Run(() => device.RunAsync(device.stop.Token));
        return device;
    }

    /// <summary>Forgets the bolt changes so far (after a warm-up command).</summary>
    public void ClearStates()
    {
        lock (changes)
        {
            changes.Clear();
        }
    }

    public IReadOnlyList<ObservedDoorState> States()
    {
        lock (changes)
        {
            if (changes.Count == 0)
            {
                return [];
            }
            var origin = changes[0].At;
            return changes.Select(c => new ObservedDoorState(c.Released, c.At - origin)).ToArray();
        }
    }

    public async Task<IReadOnlyList<ObservedDoorState>> WaitForStatesAsync(int count, TimeSpan timeout)
    {
        await Eventually.UntilAsync(() => States().Count >= count, timeout, $"{count} bolt changes");
        var states = States();
        Assert.True(states.Count >= count, $"{states.Count} bolt changes, expected {count}");
        return states;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        pulseTimer?.Cancel();
        if (loop is not null)
        {
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
            }
        }
        await client.DisposeAsync();
        stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var message in client.Messages.ReadAllAsync(cancellationToken))
        {
            if (message.Retain)
            {
                RetainedCommands++;
            }
            var text = Encoding.UTF8.GetString(message.Payload.Span);
            switch (flavor)
            {
                case LockFlavor.HomeAssistant:
                    var released = text is "UNLOCK" or "OPEN";
                    if (released && Jam)
                    {
                        await ReportAsync($"home/{Name}/state", "JAMMED", cancellationToken);
                        break;
                    }
                    Record(released);
                    await ReportAsync($"home/{Name}/state", released ? (text == "OPEN" ? "OPEN" : "UNLOCKED") : "LOCKED", cancellationToken);
                    break;
                case LockFlavor.Zigbee2Mqtt:
                    using (var document = JsonDocument.Parse(text))
                    {
                        var unlock = document.RootElement.GetProperty("state").GetString() == "UNLOCK";
                        if (unlock && Jam)
                        {
                            await ReportAsync($"zigbee2mqtt/{Name}", """{"state":"LOCK","lock_state":"not_fully_locked","battery":80}""", cancellationToken);
                            break;
                        }
                        Record(unlock);
                        await ReportAsync($"zigbee2mqtt/{Name}", unlock
                            ? """{"state":"UNLOCK","lock_state":"unlocked","battery":80}"""
                            : """{"state":"LOCK","lock_state":"locked","battery":80}""", cancellationToken);
                    }
                    break;
                default:
                    if (message.Topic == $"cmnd/{Name}/PulseTime1")
                    {
                        pulseTime = int.Parse(text, CultureInfo.InvariantCulture);
                    }
                    else if (message.Topic == $"cmnd/{Name}/POWER1")
                    {
                        pulseTimer?.Cancel();
                        var on = text == "ON";
                        Record(on);
                        await ReportAsync($"stat/{Name}/POWER1", on ? "ON" : "OFF", cancellationToken);
                        if (on && pulseTime > 0)
                        {
                            var length = pulseTime <= 111 ? TimeSpan.FromMilliseconds(pulseTime * 100) : TimeSpan.FromSeconds(pulseTime - 100);
                            var timer = pulseTimer = new CancellationTokenSource();
                            _ = Task.Run(async () =>
                            {
                                await Task.Delay(length, timer.Token);
                                Record(false);
                                await ReportAsync($"stat/{Name}/POWER1", "OFF", CancellationToken.None);
                            }, CancellationToken.None);
                        }
                    }
                    break;
            }
        }
    }

    private void Record(bool released)
    {
        lock (changes)
        {
            changes.Add((released, DateTime.UtcNow));
        }
    }

    private Task ReportAsync(string topic, string payload, CancellationToken cancellationToken) =>
        client.PublishAsync(topic, Encoding.UTF8.GetBytes(payload), MqttQualityOfService.AtLeastOnce, retain: false, cancellationToken);
}
