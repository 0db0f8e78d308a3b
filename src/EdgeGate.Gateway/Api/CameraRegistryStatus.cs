using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using EdgeGate.Gateway.Live;

namespace EdgeGate.Gateway.Api;

/// <summary>
/// The latest JPEG of each camera for the console's tiles. Whoever holds decoded frames (the capture or
/// recognition loop) calls <see cref="Update"/> now and then (about once a second is plenty); the API
/// only reads. Thread-safe; a frame replaces the previous one.
/// </summary>
public sealed class CameraSnapshots
{
    private readonly ConcurrentDictionary<string, byte[]> latest = new(StringComparer.Ordinal);

    public void Update(string cameraName, byte[] jpeg)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cameraName);
        ArgumentNullException.ThrowIfNull(jpeg);
        latest[cameraName] = jpeg;
    }

    public bool TryGet(string cameraName, [NotNullWhen(true)] out byte[]? jpeg) => latest.TryGetValue(cameraName, out jpeg);
}

/// <summary>The live path's <see cref="CameraHealthRegistry"/> and <see cref="CameraSnapshots"/> as the API sees them.</summary>
public sealed class CameraRegistryStatus(CameraHealthRegistry registry, CameraSnapshots snapshots) : ICameraStatus
{
    public IReadOnlyList<CameraHealthView> Snapshot() =>
        registry.Snapshot().Select(health => new CameraHealthView(
            health.Name,
            health.Door,
            health.State.ToString(),
            health.FramesPerSecondIn,
            health.FramesPerSecondAnalysed,
            health.FramesDropped,
            health.Reconnects,
            health.LastFrameAt,
            health.LastError,
            health.LastErrorAt)).ToArray();

    public bool TryGetLatestJpeg(string cameraName, [NotNullWhen(true)] out byte[]? jpeg)
    {
        jpeg = null;
        return registry.Find(cameraName) is not null && snapshots.TryGet(cameraName, out jpeg);
    }
}
