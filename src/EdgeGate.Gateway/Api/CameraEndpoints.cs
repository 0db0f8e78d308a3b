using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace EdgeGate.Gateway.Api;

/// <summary><c>cameras</c> (capture health) and <c>cameras/{name}/snapshot.jpg</c> (the latest frame).</summary>
internal static class CameraEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("cameras", List);
        api.MapGet("cameras/{name}/snapshot.jpg", Snapshot);
    }

    private static IResult List([FromServices] ICameraStatus? cameras) =>
        TypedResults.Json(cameras?.Snapshot() ?? [], AdminApiJson.Options);

    private static IResult Snapshot(HttpContext context, string name, [FromServices] ICameraStatus? cameras)
    {
        if (cameras is null || !cameras.Snapshot().Any(camera => string.Equals(camera.Name, name, StringComparison.Ordinal)))
        {
            return ApiResults.NotFound($"no camera named '{name}'");
        }
        if (!cameras.TryGetLatestJpeg(name, out var jpeg))
        {
            return ApiResults.NotFound($"camera '{name}' has delivered no frame yet");
        }
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Bytes(jpeg, "image/jpeg");
    }
}
