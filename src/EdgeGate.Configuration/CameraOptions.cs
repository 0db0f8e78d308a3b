using System.ComponentModel.DataAnnotations;

namespace EdgeGate.Configuration;

/// <summary>One entry of <c>Cameras</c>: an RTSP camera watching a door.</summary>
public sealed class CameraOptions
{
    /// <summary>The camera's name in logs, events, the console and <c>doctor</c>; unique among the cameras.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,64}$", ErrorMessage = "Name may hold letters, digits, '-' and '_' (1-64)")]
    public string Name { get; set; } = "";

    /// <summary>rtsp://user:password@host/path (the password is never logged) or a file path.</summary>
    [Required]
    public string Url { get; set; } = "";

    /// <summary>Name of the door this camera opens.</summary>
    /// <value>the <c>Name</c> of an entry of <c>Doors</c></value>
    [Required]
    public string Door { get; set; } = "";

    /// <summary>Frames analysed per second; the others are skipped without decoding where possible.</summary>
    [Range(0.5, 30.0)]
    public double AnalyseFps { get; set; } = 10;

    /// <summary>How long opening the stream may take before it counts as failed (and is retried).</summary>
    /// <value>more than 0</value>
    public TimeSpan OpenTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the stream may give no frame before it counts as lost (and is reopened).</summary>
    /// <value>more than 0</value>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Wait before the first reconnection attempt; doubles per failure up to <see cref="MaximumBackoff"/>.</summary>
    /// <value>more than 0</value>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between reconnection attempts.</summary>
    /// <value>at least InitialBackoff</value>
    public TimeSpan MaximumBackoff { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Frames arriving later than this behind the stream's clock are stale (a stall) and not analysed.</summary>
    /// <value>more than 0</value>
    public TimeSpan MaximumFrameAge { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Makes this camera the near-infrared camera paired with the named colour camera (a binocular
    /// terminal, same door): its frames are not recognised, they confirm that each face the colour
    /// camera sees is also there in near infrared, which a phone or tablet screen does not emit.
    /// Null for an ordinary camera. Set AnalyseFps at least as high as the colour camera's.
    /// </summary>
    /// <value>the <c>Name</c> of another, ordinary camera of the same door, which has no other infrared camera</value>
    public string? InfraredOf { get; set; }
}
