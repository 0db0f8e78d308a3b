using EdgeGate.Configuration;
using EdgeGate.Core.Access;
using EdgeGate.Gallery;
using EdgeGate.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace EdgeGate.Recognition.Enrolment;

public static class EnrolmentRegistration
{
    /// <summary>
    /// Registers the recognition gallery (<see cref="FaceGallery"/> with the site's match threshold and
    /// margin, unless the live path registered it first: it is one shared singleton), its <see cref="GallerySynchroniser"/> (every person not deregistered is searchable; the policy denies the expired and suspended)
    /// and the hosted <see cref="GallerySyncService"/>. <paramref name="modelId"/> and
    /// <paramref name="dimension"/> come from the loaded face pipeline (FacePipeline.EmbeddingModelId
    /// and EmbeddingDimension). Needs an <see cref="EdgeGateDatabase"/>; uses the
    /// <see cref="AccessHistory"/> when registered (a deregistered person is forgotten there too).
    /// </summary>
    public static IServiceCollection AddGallerySync(this IServiceCollection services, EdgeGateSettings settings, string modelId, int dimension = 512)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => LiveGateRegistration.CreateGallery(settings.Recognition, dimension));
        services.AddSingleton(provider => new GallerySynchroniser(
            provider.GetRequiredService<EdgeGateDatabase>(),
            provider.GetRequiredService<FaceGallery>(),
            modelId,
            // Expired residents stay searchable so the policy answers DENIED_EXPIRED ("renew at the
            // property office") instead of treating them as strangers; they are never let in.
            GallerySynchroniser.AnyEnrolled,
            provider.GetService<AccessHistory>()));
        services.AddSingleton<GallerySyncService>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<GallerySyncService>());
        return services;
    }
}
