using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace EdgeGate.Api;

/// <summary>Error answers as JSON <c>{error, detail}</c> with the matching status code.</summary>
internal static class ApiResults
{
    public static IResult BadRequest(string detail) => Error(StatusCodes.Status400BadRequest, "bad_request", detail);

    public static IResult NotFound(string detail) => Error(StatusCodes.Status404NotFound, "not_found", detail);

    /// <summary>400 <c>bad_request</c> naming each field that is wrong and why (<c>fields</c>: name → sentence).</summary>
    public static IResult FieldErrors(IReadOnlyDictionary<string, string> fields) =>
        TypedResults.Json(
            new ApiFieldErrors("bad_request", "some fields are missing or wrong: " + string.Join(", ", fields.Keys), fields),
            AdminApiJson.Options,
            statusCode: StatusCodes.Status400BadRequest);

    public static IResult Conflict(string detail) => Error(StatusCodes.Status409Conflict, "conflict", detail);

    public static IResult Unauthorized() =>
        Error(StatusCodes.Status401Unauthorized, "unauthorized", "send the API token as 'Authorization: Bearer <token>'");

    public static IResult Error(int statusCode, string error, string detail) =>
        TypedResults.Json(new ApiError(error, detail), AdminApiJson.Options, statusCode: statusCode);

    /// <summary>The answer to a request Kestrel could not read (broken chunking, a truncated or too slow body, too large).</summary>
    public static IResult UnreadableRequest(BadHttpRequestException exception) => exception.StatusCode switch
    {
        StatusCodes.Status413PayloadTooLarge => TooLarge(),
        StatusCodes.Status408RequestTimeout => Error(StatusCodes.Status408RequestTimeout, "request_timeout", "the body arrived too slowly; send it again"),
        >= 400 and < 500 => Error(exception.StatusCode, "bad_request", Unreadable(exception)),
        _ => BadRequest(Unreadable(exception)),
    };

    private static string Unreadable(BadHttpRequestException exception) =>
        exception.Message.StartsWith("the body", StringComparison.Ordinal) ? exception.Message : $"the request could not be read: {exception.Message}";

    private static IResult TooLarge() =>
        Error(StatusCodes.Status413PayloadTooLarge, "too_large", $"the body may hold at most {AdminApiLimits.MaximumRequestBodyBytes} bytes");

    /// <summary>
    /// Reads a JSON body of <typeparamref name="T"/>; on malformed JSON, a wrong content type or a body over
    /// the size limit, returns the error answer instead. A body Kestrel cannot read (broken chunking,
    /// truncated, too slow) throws <see cref="BadHttpRequestException"/>, answered by the API's filter.
    /// </summary>
    public static async Task<(T? Body, IResult? Error)> ReadBodyAsync<T>(HttpRequest request)
        where T : class
    {
        if (request.ContentLength is > AdminApiLimits.MaximumRequestBodyBytes)
        {
            return (null, TooLarge());
        }
        if (request.ContentType is { } contentType && !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Error(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "send the body as application/json"));
        }
        try
        {
            // No cancellation token: a body is at most 16 KiB, Kestrel ends the read itself when the client
            // goes away or sends too slowly, and a read cancelled by the token on a reset connection leaves
            // Kestrel's body reader "in progress", so its draining afterwards fails and logs an error.
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, AdminApiJson.Options, CancellationToken.None).ConfigureAwait(false);
            return body is null ? (null, BadRequest("the body must be a JSON object")) : (body, null);
        }
        catch (JsonException exception)
        {
            return (null, BadRequest($"the body is not valid JSON for this request: {exception.Message}"));
        }
        catch (IOException exception) when (exception is not (BadHttpRequestException or ConnectionResetException) && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // Kestrel reports some framing errors (e.g. a chunk size that overflows) as plain I/O errors.
            throw new BadHttpRequestException($"the body could not be read: {exception.Message}", StatusCodes.Status400BadRequest, exception);
        }
    }
}

/// <summary>Endpoint metadata: this endpoint takes bodies up to <paramref name="Bytes"/> (the others <see cref="AdminApiLimits.MaximumRequestBodyBytes"/>).</summary>
internal sealed record RequestBodyLimit(long Bytes);

/// <summary>The JSON shape of the API: camelCase, enums as strings.</summary>
internal static class AdminApiJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        // A field given twice is ambiguous (which one did the sender mean?): refused.
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { AllowDuplicateProperties = false };
        options.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>Size limits of the API.</summary>
public static class AdminApiLimits
{
    /// <summary>Request bodies are small JSON objects.</summary>
    public const long MaximumRequestBodyBytes = 16 * 1024;

    /// <summary>An enrolment photo (<c>POST persons/{id}/photos</c>): a phone photo of several megapixels.</summary>
    public const long MaximumPhotoBytes = 12 * 1024 * 1024;

    public const long MaximumRequestHeadersBytes = 16 * 1024;

    /// <summary>At most this many rows in one list answer.</summary>
    public const int MaximumPageSize = 500;
}
