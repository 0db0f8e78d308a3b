using EdgeGate.Recognition;
using EdgeGate.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeGate.Api;

/// <summary>
/// <c>strangers</c>: the stranger snapshots kept (newest first) and <c>strangers/{name}</c>, one of them
/// as a JPEG. They are sealed on disk; only here, to a token holder, are they opened (never cached).
/// </summary>
internal static class StrangerEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("strangers", List);
        api.MapGet("strangers/{name}", Read);
    }

    private static IResult List(IServiceProvider services, string? limit)
    {
        if (!QueryValues.TryParseInt(limit, 1, AdminApiLimits.MaximumPageSize, out var rows))
        {
            return ApiResults.BadRequest($"limit must be a number 1-{AdminApiLimits.MaximumPageSize}");
        }
        var snapshots = Store(services)?.List() ?? [];
        return TypedResults.Json(snapshots.Take(rows ?? 100).ToArray(), AdminApiJson.Options);
    }

    private static IResult Read(HttpContext context, string name, IServiceProvider services)
    {
        byte[]? jpeg;
        try
        {
            jpeg = Store(services)?.Read(name);
        }
        catch (TemplateDecryptionException)
        {
            return ApiResults.Error(StatusCodes.Status500InternalServerError, "unreadable", $"the snapshot '{name}' does not open with this gateway's key");
        }
        if (jpeg is null)
        {
            return ApiResults.NotFound($"no stranger snapshot '{name}' (never kept, or past its retention)");
        }
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Bytes(jpeg, "image/jpeg");
    }

    private static StrangerSnapshotStore? Store(IServiceProvider services) =>
        services.GetService<LiveGateRegistration.StrangerSnapshotHolder>()?.Store;
}
