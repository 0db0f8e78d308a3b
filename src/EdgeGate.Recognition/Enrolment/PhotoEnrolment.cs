using EdgeGate.Configuration;
using EdgeGate.Imaging.Interop.OpenCv;
using EdgeGate.Storage;
using EdgeGate.Vision.Faces;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace EdgeGate.Recognition.Enrolment;

/// <summary>
/// Photo enrolment inside the running gateway (the platform's enrol command with photos): an
/// <see cref="EnrolmentService"/> on a face pipeline of its own — the recognition loop's is not shared
/// across threads — loaded on the first photo enrolment, with liveness off as for <c>edgegate enrol</c>
/// (enrolment photos come from the office, not the gate camera). Models that cannot be loaded are
/// logged once and photo enrolment reports itself unavailable.
/// </summary>
public sealed partial class PhotoEnrolment(EdgeGateSettings settings, EdgeGateDatabase database, ILogger<PhotoEnrolment> logger) : IDisposable
{
    private readonly Lock gate = new();
    private FacePipeline? pipeline;
    private EnrolmentService? service;
    private bool failed;

    /// <summary>The enrolment service, loading the models on first use; null when they cannot be loaded.</summary>
    public EnrolmentService? Service
    {
        get
        {
            lock (gate)
            {
                if (service is null && !failed)
                {
                    try
                    {
                        pipeline = settings.Models.LoadPipeline(computeLiveness: false);
                        service = new EnrolmentService(database, pipeline);
                    }
                    catch (Exception exception) when (exception is OnnxRuntimeException or OpenCvException or FileNotFoundException
                        or DirectoryNotFoundException or InvalidDataException)
                    {
                        failed = true;
                        pipeline?.Dispose();
                        pipeline = null;
                        LogUnavailable(logger, exception);
                    }
                }
                return service;
            }
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            service?.Dispose();
            pipeline?.Dispose();
            service = null;
            pipeline = null;
        }
    }

    [LoggerMessage(EventId = 7020, Level = LogLevel.Error, Message = "Photo enrolment is unavailable: the face models cannot be loaded (run 'edgegate doctor')")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}
