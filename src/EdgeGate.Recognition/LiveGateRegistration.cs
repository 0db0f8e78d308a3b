using EdgeGate.Access;
using EdgeGate.Capture;
using EdgeGate.Configuration;
using EdgeGate.Gallery;
using EdgeGate.Storage;
using EdgeGate.Vision.Faces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Recognition;

/// <summary>Registers the live path: one capture service per camera, the recognition service and what they share.</summary>
public static class LiveGateRegistration
{
    /// <summary>
    /// Adds cameras → frame hand-off → recognition → <see cref="RecognitionOutputs"/> (read by the
    /// decision stage), plus <see cref="CameraHealthRegistry"/>, <see cref="CameraSnapshots"/> and <see cref="FaceCaptures"/>;
    /// infrared cameras (<c>InfraredOf</c>) feed <see cref="InfraredPairing"/> instead of recognition. A <see cref="FaceGallery"/>,
    /// <see cref="IFaceAnalyser"/> or <see cref="IFaceIdentifier"/> registered before is used as is;
    /// otherwise an empty gallery and the face pipeline from <c>Models</c> are registered.
    /// </summary>
    public static IServiceCollection AddRecognition(this IServiceCollection services, EdgeGateSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        var recognition = settings.Recognition;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LoopHeartbeats>();
        services.TryAddSingleton(recognition);
        services.TryAddSingleton<CameraHealthRegistry>();
        services.TryAddSingleton<RecognitionOutputs>();
        services.TryAddSingleton(provider => new CameraSnapshots(settings.Cameras.Select(camera => camera.Name), provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider => new FaceCaptures(
            settings.Cameras.Where(camera => camera.InfraredOf is null).Select(camera => camera.Name), recognition.MinimumFaceSize, provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IFaceCaptures>(provider => provider.GetRequiredService<FaceCaptures>());
        services.TryAddSingleton(new FrameHandOff(recognition.FrameQueuePerCamera));
        services.TryAddSingleton(_ => new InfraredPairing(settings.Cameras, recognition));
        services.TryAddSingleton(_ => CreateGallery(recognition));
        services.TryAddSingleton<IFaceIdentifier>(provider => new GalleryIdentifier(provider.GetRequiredService<FaceGallery>(), Thresholds(recognition)));
        services.TryAddSingleton<IFaceAnalyser>(_ => CreateAnalyser(settings));
        services.TryAddSingleton(provider => new RecognitionEngine(recognition, provider.GetRequiredService<IFaceIdentifier>(), provider.GetRequiredService<TimeProvider>()));
        // With a database the store is there even when snapshots are off: what an earlier run kept is
        // still served and pruned at its retention. New snapshots are taken only when they are on.
        services.TryAddSingleton(provider => new StrangerSnapshotHolder(
            provider.GetService<EdgeGateDatabase>() is { } database
                ? new StrangerSnapshotStore(
                    Path.Combine(settings.Gateway.DataDirectory, "strangers"),
                    recognition.SnapshotStorageLimitBytes,
                    recognition.SnapshotRetention,
                    database.SnapshotCipher,
                    provider.GetRequiredService<TimeProvider>())
                : null,
            recognition.StrangerSnapshots));
        services.AddSingleton<IHostedService, StrangerSnapshotPruning>();
        services.TryAddSingleton(provider => new RecognitionService(
            provider.GetRequiredService<FrameHandOff>(),
            provider.GetRequiredService<IFaceAnalyser>(),
            provider.GetRequiredService<RecognitionEngine>(),
            provider.GetRequiredService<RecognitionOutputs>(),
            recognition,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<RecognitionService>>(),
            provider.GetService<LoopHeartbeats>(),
            provider.GetRequiredService<StrangerSnapshotHolder>().ForNewSnapshots,
            provider.GetRequiredService<CameraSnapshots>(),
            provider.GetRequiredService<InfraredPairing>(),
            provider.GetService<StartupWarmUp>(),
            provider.GetRequiredService<FaceCaptures>()));
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<RecognitionService>());
        foreach (var camera in settings.Cameras)
        {
            var captureSettings = ToCaptureSettings(camera);
            // An infrared camera's frames go to its pairing, not to recognition.
            var infrared = camera.InfraredOf is not null;
            services.AddSingleton<IHostedService>(provider => new CameraCaptureService(
                captureSettings,
                infrared ? provider.GetRequiredService<InfraredPairing>().HandOffOf(camera.Name) : provider.GetRequiredService<FrameHandOff>(),
                provider.GetRequiredService<CameraHealthRegistry>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<CameraCaptureService>>(),
                provider.GetService<LoopHeartbeats>(),
                provider.GetService<FrameSourceOpener>(),
                provider.GetService<DeviceAlertService>()));
        }
        return services;
    }

    public static CameraCaptureSettings ToCaptureSettings(CameraOptions camera)
    {
        ArgumentNullException.ThrowIfNull(camera);
        return new CameraCaptureSettings(camera.Name, camera.Door, camera.Url, camera.AnalyseFps)
        {
            OpenTimeout = camera.OpenTimeout,
            ReadTimeout = camera.ReadTimeout,
            InitialBackoff = camera.InitialBackoff,
            MaximumBackoff = camera.MaximumBackoff,
            MaximumFrameAge = camera.MaximumFrameAge,
        };
    }

    public static MatchThresholds Thresholds(RecognitionOptions recognition) =>
        new((float)recognition.MatchThreshold, (float)recognition.Margin);

    /// <summary>The gate's gallery: thresholds and storage precision from the Recognition section.</summary>
    public static FaceGallery CreateGallery(RecognitionOptions recognition, int dimension = 512) => new(new FaceGalleryOptions
    {
        Dimension = dimension,
        Thresholds = Thresholds(recognition),
        Precision = recognition.GalleryPrecision,
    });

    /// <summary>Loads the face pipeline from the Models section (ONNX Runtime and the four models).</summary>
    public static FacePipelineAnalyser CreateAnalyser(EdgeGateSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var pipeline = settings.Models.LoadPipeline();
        return new FacePipelineAnalyser(pipeline, new FaceQualityGate(new FaceQualityThresholds { MinimumSizePixels = settings.Recognition.MinimumFaceSize }));
    }

    /// <summary>
    /// The stranger snapshot store, null without a database to seal them with (DI cannot hold a null
    /// singleton); <see cref="ForNewSnapshots"/> only when snapshots are switched on.
    /// </summary>
    public sealed record StrangerSnapshotHolder(StrangerSnapshotStore? Store, bool TakeSnapshots)
    {
        public StrangerSnapshotStore? ForNewSnapshots => TakeSnapshots ? Store : null;
    }
}
