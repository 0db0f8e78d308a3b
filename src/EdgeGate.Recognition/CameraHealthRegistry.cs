using System.Collections.Concurrent;
using EdgeGate.Capture;

namespace EdgeGate.Recognition;

/// <summary>Every camera's capture health, for the doctor, the console and the HTTP API. Thread-safe.</summary>
public sealed class CameraHealthRegistry
{
    private readonly ConcurrentDictionary<string, CameraCapture> captures = new(StringComparer.Ordinal);

    public void Register(CameraCapture capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        if (!captures.TryAdd(capture.Name, capture))
        {
            throw new InvalidOperationException($"camera '{capture.Name}' is registered twice");
        }
    }

    /// <summary>A health snapshot of each camera, by name.</summary>
    public IReadOnlyList<CameraHealth> Snapshot() =>
        captures.Values.Select(capture => capture.Health).OrderBy(health => health.Name, StringComparer.Ordinal).ToList();

    public CameraHealth? Find(string cameraName) => captures.TryGetValue(cameraName, out var capture) ? capture.Health : null;
}
