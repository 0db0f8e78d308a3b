using EdgeGate.Core.Persons;
using EdgeGate.Recognition;
using EdgeGate.Recognition.Enrolment;
using EdgeGate.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Api;

/// <summary>
/// Face enrolment of a person with recorded consent: from a photo (<c>persons/{id}/photos</c>) or from
/// the gate camera (<c>persons/{id}/capture</c>: at once, or after a preview held under a capture id).
/// Both run the same checks (<see cref="EnrolmentService"/>); refusals are 409 <c>consent_required</c>
/// or <c>possible_duplicate</c>, and 422 with the photo's reason code.
/// </summary>
internal static class FaceEnrolmentEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("persons/{id}/photos", EnrolPhotoAsync).WithMetadata(new RequestBodyLimit(AdminApiLimits.MaximumPhotoBytes));
        api.MapPost("persons/{id}/capture/preview", PreviewAsync);
        api.MapGet("persons/{id}/capture/{captureId}.jpg", CaptureImage);
        api.MapPost("persons/{id}/capture", EnrolCaptureAsync);
    }

    /// <summary>
    /// Enrols one face photo (the body: <c>image/jpeg</c> or <c>image/png</c>, at most
    /// <see cref="AdminApiLimits.MaximumPhotoBytes"/>).
    /// </summary>
    private static async Task<IResult> EnrolPhotoAsync(
        string id,
        HttpRequest request,
        [FromServices] EdgeGateDatabase database,
        [FromServices] IServiceProvider services,
        [FromServices] ILogger<AdminApiContext> logger,
        CancellationToken cancellationToken)
    {
        if (request.ContentType?.Split(';')[0].Trim().ToLowerInvariant() is not ("image/jpeg" or "image/png"))
        {
            return ApiResults.Error(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "send the photo itself as the body, Content-Type image/jpeg or image/png");
        }
        using var buffer = new MemoryStream();
        // No cancellation token, as for JSON bodies (see ApiResults.ReadBodyAsync); Kestrel bounds the size and the pace.
        await request.Body.CopyToAsync(buffer, CancellationToken.None).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            return ApiResults.BadRequest("the body holds no photo");
        }
        if (await RefusalAsync(id, database, cancellationToken).ConfigureAwait(false) is { } refusal)
        {
            return refusal;
        }
        return await EnrolAsync(id, new EnrolmentPhoto("photo", buffer.ToArray()), "a face photo", database, services, logger, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes the best recent face of <c>camera</c> and holds it for the person: 201 with a capture id and
    /// the address of its image, for the console to show before saving.
    /// </summary>
    private static async Task<IResult> PreviewAsync(
        string id,
        string? camera,
        [FromServices] EdgeGateDatabase database,
        [FromServices] IFaceCaptures? captures,
        [FromServices] CaptureHolds holds,
        CancellationToken cancellationToken)
    {
        if (await RefusalAsync(id, database, cancellationToken).ConfigureAwait(false) is { } refusal)
        {
            return refusal;
        }
        var (capture, problem) = TakeBest(camera, captures);
        if (problem is not null)
        {
            return problem;
        }
        var (captureId, expiresAt) = holds.Hold(id, capture!);
        return TypedResults.Json(
            new FaceCaptureView(captureId, id, capture!.CameraName, capture.TakenAt, expiresAt, capture.FaceSizePixels, capture.QualityAccepted,
                $"{AdminApiExtensions.Prefix}/persons/{Uri.EscapeDataString(id)}/capture/{captureId}.jpg"),
            AdminApiJson.Options,
            statusCode: StatusCodes.Status201Created);
    }

    private static IResult CaptureImage(string id, string captureId, HttpContext context, [FromServices] CaptureHolds holds)
    {
        if (holds.Find(id, captureId) is not { } capture)
        {
            return CaptureGone(captureId);
        }
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Bytes(capture.Jpeg, "image/jpeg");
    }

    /// <summary>Enrols the held capture <c>captureId</c>, or without it the best recent face of <c>camera</c>.</summary>
    private static async Task<IResult> EnrolCaptureAsync(
        string id,
        string? camera,
        string? captureId,
        [FromServices] EdgeGateDatabase database,
        [FromServices] IFaceCaptures? captures,
        [FromServices] CaptureHolds holds,
        [FromServices] IServiceProvider services,
        [FromServices] ILogger<AdminApiContext> logger,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(captureId) == string.IsNullOrWhiteSpace(camera))
        {
            return ApiResults.BadRequest("give either camera=<name> (capture now) or captureId=<id> (a capture taken with capture/preview)");
        }
        if (await RefusalAsync(id, database, cancellationToken).ConfigureAwait(false) is { } refusal)
        {
            return refusal;
        }
        FaceCapture capture;
        if (!string.IsNullOrWhiteSpace(captureId))
        {
            if (holds.Find(id, captureId) is not { } held)
            {
                return CaptureGone(captureId);
            }
            capture = held;
            // One try per capture: saved, or refused and retaken.
            holds.Release(captureId);
        }
        else
        {
            var (taken, problem) = TakeBest(camera, captures);
            if (problem is not null)
            {
                return problem;
            }
            capture = taken!;
        }
        return await EnrolAsync(id, new EnrolmentPhoto($"camera {capture.CameraName}", capture.Jpeg), $"a face from camera {capture.CameraName}", database, services, logger, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Why the person cannot be enrolled before any face is looked at: unknown, moved out, or no recorded consent.</summary>
    private static async Task<IResult?> RefusalAsync(string id, EdgeGateDatabase database, CancellationToken cancellationToken)
    {
        if (await database.Persons.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } person)
        {
            return PersonEndpoints.UnknownPerson(id);
        }
        if (person.Status == PersonStatus.Deregistered)
        {
            return ApiResults.Conflict($"person '{id}' moved out (deregistered); a deregistered record cannot change");
        }
        return person.HasRecordedConsent ? null : PersonEndpoints.ConsentRequired(id);
    }

    private static (FaceCapture? Capture, IResult? Problem) TakeBest(string? camera, IFaceCaptures? captures)
    {
        if (string.IsNullOrWhiteSpace(camera))
        {
            return (null, ApiResults.BadRequest("camera=<name> is required: the camera the person stands in front of"));
        }
        if (captures is null)
        {
            return (null, ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "unavailable", "this gateway runs no cameras"));
        }
        if (!captures.HasCamera(camera))
        {
            return (null, ApiResults.NotFound($"no camera named '{camera}'"));
        }
        if (captures.TakeBest(camera) is not { } capture)
        {
            return (null, ApiResults.Error(StatusCodes.Status422UnprocessableEntity, "no_face",
                $"no face in view of camera '{camera}' in the last seconds: ask the person to stand in front of it, facing it, and try again"));
        }
        if (capture.FacesInView > 1)
        {
            return (null, ApiResults.Error(StatusCodes.Status422UnprocessableEntity, "several_faces",
                $"{capture.FacesInView} faces in view of camera '{camera}': only the person to enrol may stand in front of it"));
        }
        return (capture, null);
    }

    private static async Task<IResult> EnrolAsync(
        string id,
        EnrolmentPhoto photo,
        string what,
        EdgeGateDatabase database,
        IServiceProvider services,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        if (services.GetService<PhotoEnrolment>()?.Service is not { } enrolment)
        {
            return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "unavailable", "this gateway has no face pipeline for enrolment (see its log and 'edgegate doctor')");
        }
        var outcome = await enrolment.EnrolAsync(id, [photo], cancellationToken).ConfigureAwait(false);
        var verdict = outcome.Photos.Count > 0 ? outcome.Photos[0] : null;
        switch (outcome.Status)
        {
            case EnrolmentStatus.Enrolled:
                AdminApiLog.PersonChanged(logger, id, outcome.TemplateIds.Count > 0 ? $"enrolled {what}" : $"sent {what} already enrolled");
                var templates = await database.Templates.ListForPersonAsync(id, enrolment.ModelId, cancellationToken).ConfigureAwait(false);
                return TypedResults.Json(
                    new FaceEnrolmentView(id, true, "accepted", outcome.Message, outcome.TemplateIds.Count, templates.Count, outcome.AlreadyEnrolledPhotos > 0),
                    AdminApiJson.Options,
                    statusCode: StatusCodes.Status201Created);
            case EnrolmentStatus.ConsentRequired:
                return PersonEndpoints.ConsentRequired(id);
            case EnrolmentStatus.UnknownPerson:
                return PersonEndpoints.UnknownPerson(id);
            case EnrolmentStatus.PossibleDuplicate:
                return ApiResults.Error(StatusCodes.Status409Conflict, verdict!.ReasonCode, outcome.Message);
            case EnrolmentStatus.Rejected:
                return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, verdict!.ReasonCode, $"the photo was refused: {verdict.Reason}");
            default:
                return ApiResults.Conflict(outcome.Message);
        }
    }

    private static IResult CaptureGone(string captureId) =>
        ApiResults.NotFound($"no capture '{captureId}' for this person: it expired ({CaptureHolds.HeldFor.TotalMinutes:0} minutes), was used, or was replaced by a retake; capture again");
}
