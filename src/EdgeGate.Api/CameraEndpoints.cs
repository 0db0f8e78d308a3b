using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace EdgeGate.Api;

/// <summary><c>cameras</c> (capture health) and <c>cameras/{name}/snapshot.jpg</c> (a recent frame).</summary>
internal static class CameraEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("cameras", List);
        api.MapGet("cameras/{name}/snapshot.jpg", SnapshotAsync);
    }

    private static IResult List([FromServices] ICameraStatus? cameras) =>
        TypedResults.Json(cameras?.Snapshot() ?? [], AdminApiJson.Options);

    private static async Task<IResult> SnapshotAsync(HttpContext context, string name, [FromServices] ICameraStatus? cameras, CancellationToken cancellationToken)
    {
        if (cameras is null || !cameras.Snapshot().Any(camera => string.Equals(camera.Name, name, StringComparison.Ordinal)))
        {
            return ApiResults.NotFound($"no camera named '{name}'");
        }
        if (await cameras.GetLatestJpegAsync(name, cancellationToken).ConfigureAwait(false) is not { } jpeg)
        {
            return ApiResults.NotFound($"no frame from camera '{name}' in the last few seconds");
        }
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Bytes(jpeg, "image/jpeg");
    }
}
