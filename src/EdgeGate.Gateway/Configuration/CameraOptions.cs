using System.ComponentModel.DataAnnotations;

namespace EdgeGate.Gateway.Configuration;

/// <summary>One entry of <c>Cameras</c>: an RTSP camera watching a door.</summary>
public sealed class CameraOptions
{
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,64}$", ErrorMessage = "Name may hold letters, digits, '-' and '_' (1-64)")]
    public string Name { get; set; } = "";

    /// <summary>rtsp://user:password@host/path (the password is never logged) or a file path.</summary>
    [Required]
    public string Url { get; set; } = "";

    /// <summary>Name of the door this camera opens.</summary>
    [Required]
    public string Door { get; set; } = "";

    /// <summary>Frames analysed per second; the others are skipped without decoding where possible.</summary>
    [Range(0.5, 30.0)]
    public double AnalyseFps { get; set; } = 10;

    public TimeSpan OpenTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Wait before the first reconnection attempt; doubles per failure up to <see cref="MaximumBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaximumBackoff { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Frames arriving later than this behind the stream's clock are stale (a stall) and not analysed.</summary>
    public TimeSpan MaximumFrameAge { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Makes this camera the near-infrared camera paired with the named colour camera (a binocular
    /// terminal, same door): its frames are not recognised, they confirm that each face the colour
    /// camera sees is also there in near infrared, which a phone or tablet screen does not emit.
    /// Null for an ordinary camera. Set AnalyseFps at least as high as the colour camera's.
    /// </summary>
    public string? InfraredOf { get; set; }
}
