using EdgeGate.Core.Access;
using EdgeGate.Access;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeGate.Recognition;

/// <summary>The link from recognition to the decision stage (frame → decision).</summary>
public static class RecognitionAttempts
{
    /// <summary>
    /// Feeds recognition's <see cref="RecognitionOutputs"/> into the decision stage: each face
    /// candidate and each stranger sighting becomes an access attempt at its camera's door, timed by
    /// the frame that completed the vote. Needs <see cref="RecognitionOutputs"/> registered (the live path).
    /// </summary>
    public static IServiceCollection AddRecognitionAttempts(this IServiceCollection services)
    {
        services.AddAccessAttemptSource(
            "face candidates",
            provider => provider.GetRequiredService<RecognitionOutputs>().Candidates,
            candidate => AccessAttempt.ForFace(candidate.ToCredential(), candidate.DoorName, candidate.FrameArrivedAt, candidate.TrackId));
        services.AddAccessAttemptSource(
            "stranger sightings",
            provider => provider.GetRequiredService<RecognitionOutputs>().Strangers,
            stranger => AccessAttempt.ForFace(stranger.ToCredential(), stranger.DoorName, stranger.FrameArrivedAt, stranger.TrackId));
        return services;
    }
}
