namespace EdgeGate.Devices.Mqtt.Locks;

/// <summary>
/// Hands a client's received messages to the MQTT locks sharing it (run by the host, one per client):
/// the drivers themselves own no loop. Messages for no lock are passed to <c>others</c>, if given.
/// </summary>
public static class MqttLockStateFeed
{
    public static async Task RunAsync(IMqttClient client, IReadOnlyList<MqttLockDoor> locks, CancellationToken cancellationToken, Action<MqttApplicationMessage>? others = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(locks);
        await foreach (var message in client.Messages.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            var handled = false;
            foreach (var door in locks)
            {
                handled |= door.TryHandleMessage(message);
            }
            if (!handled)
            {
                others?.Invoke(message);
            }
        }
    }
}
