using System.Net;
using EdgeGate.Configuration;
using EdgeGate.Access;
using EdgeGate.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Api;

/// <summary>
/// Puts the local HTTP API and web console into a host. The host registers <see cref="EdgeGateDatabase"/>
/// and, where it runs them, <see cref="IDecisionFeed"/>, <see cref="ICameraStatus"/> and
/// <see cref="IRemoteUnlock"/>; an endpoint whose part is missing answers 503 (cameras: an empty list).
/// <code>
/// var builder = WebApplication.CreateSlimBuilder();
/// builder.AddAdminApi(settings);           // Kestrel on Api:Url, limits, token, services
/// builder.Services.AddSingleton(database); // + the live parts
/// var app = builder.Build();
/// app.MapAdminApi();
/// </code>
/// </summary>
public static class AdminApiExtensions
{
    public const string Prefix = "/api/v1";

    /// <summary>
    /// Services of the API: the token, the doors and time zone from <paramref name="settings"/>, and
    /// <see cref="TimeProvider.System"/> unless the host registered another.
    /// </summary>
    public static IServiceCollection AddAdminApi(this IServiceCollection services, EdgeGateSettings settings, ApiToken token)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(token);
        services.AddSingleton(token);
        services.AddSingleton(AdminApiContext.From(settings));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CaptureHolds>();
        return services;
    }

    /// <summary>
    /// Kestrel on <c>Api:Url</c> (loopback by default) with small request limits, plus
    /// <see cref="AddAdminApi(IServiceCollection, EdgeGateSettings, ApiToken)"/>. Without
    /// <paramref name="token"/>, the token is read from (or created in) <c>api-token</c> in the
    /// credentials directory (<c>$CREDENTIALS_DIRECTORY</c> when systemd sets it, else
    /// <c>Gateway:CredentialsDirectory</c>).
    /// </summary>
    public static WebApplicationBuilder AddAdminApi(this WebApplicationBuilder builder, EdgeGateSettings settings, ApiToken? token = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        token ??= ApiTokenStore.LoadOrCreate(CredentialsDirectory(settings));
        builder.Services.AddAdminApi(settings, token);
        builder.WebHost.UseUrls(settings.Api.Url);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = AdminApiLimits.MaximumRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = (int)AdminApiLimits.MaximumRequestHeadersBytes;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
            kestrel.Limits.MaxConcurrentConnections = 64;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(15);
        });
        return builder;
    }

    /// <summary>The directory the API token lives in for these settings.</summary>
    public static string CredentialsDirectory(EdgeGateSettings settings) => GatewayDatabase.CredentialsDirectory(settings);

    /// <summary>Whether <paramref name="url"/> listens on loopback only.</summary>
    public static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return false;
        }
        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>
    /// Maps <c>/api/v1/...</c> (token required except for <c>health</c>) and the console under <c>/console/</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var open = endpoints.MapGroup(Prefix);
        open.MapGet("health", (TimeProvider timeProvider) =>
            TypedResults.Json(new { status = "ok", time = timeProvider.GetUtcNow() }, AdminApiJson.Options));

        var api = endpoints.MapGroup(Prefix)
            .AddEndpointFilter(FailuresAsJsonAsync)
            .AddEndpointFilter(RequireTokenAsync);
        DecisionEndpoints.Map(api);
        CameraEndpoints.Map(api);
        StrangerEndpoints.Map(api);
        PersonEndpoints.Map(api);
        FaceEnrolmentEndpoints.Map(api);
        CardEndpoints.Map(api);
        EventEndpoints.Map(api);
        HistoryEndpoints.Map(api);
        DoorEndpoints.Map(api);
        api.Map("{**path}", (string? path) => ApiResults.NotFound($"no API endpoint '{Prefix}/{path}'"));

        ConsoleFiles.Map(endpoints);
        // Anything else (any method) gets the API's error shape too, not an empty 404 or 405.
        endpoints.Map("{**path}", (string? path) => ApiResults.NotFound($"nothing at '/{path}'; the API is under {Prefix}/ and the console under /console/"));
        return endpoints;
    }

    /// <summary>Logs where the API listens once the server started, warning when it is not loopback.</summary>
    public static WebApplication LogAdminApiAddresses(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var logger = app.Services.GetRequiredService<ILogger<AdminApiContext>>();
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            AdminApiLog.Listening(logger, string.Join(", ", addresses));
            foreach (var address in addresses.Where(address => !IsLoopback(address)))
            {
                AdminApiLog.NotLoopback(logger, address);
            }
        });
        return app;
    }

    private static async ValueTask<object?> RequireTokenAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        var token = http.RequestServices.GetRequiredService<ApiToken>();
        if (!token.MatchesAuthorizationHeader(http.Request.Headers.Authorization.ToString()))
        {
            AdminApiLog.Unauthorized(http.RequestServices.GetRequiredService<ILogger<AdminApiContext>>(), http.Request.Method, http.Request.Path);
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return ApiResults.Unauthorized();
        }
        http.Response.Headers.CacheControl = "no-store";
        return await next(invocation).ConfigureAwait(false);
    }

    /// <summary>
    /// Failures as the API's JSON errors: a request Kestrel could not read is the client's problem (4xx,
    /// a warning without a stack trace), a client that went away gets nothing (information), a full disk is
    /// 507; anything else is a fault of the gateway (500, logged as an error).
    /// </summary>
    private static async ValueTask<object?> FailuresAsJsonAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        var limit = AdminApiLimits.MaximumRequestBodyBytes;
        if (http.GetEndpoint()?.Metadata.GetMetadata<RequestBodyLimit>() is { } larger
            && http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            limit = larger.Bytes;
            bodySize.MaxRequestBodySize = limit;
        }
        if (http.Request.ContentLength > limit)
        {
            // Such a body is refused unread: close the connection after the answer, so the client does not
            // send its next request on a connection the server drops while the body is still arriving.
            http.Response.Headers.Connection = "close";
        }
        try
        {
            return await next(invocation).ConfigureAwait(false);
        }
        catch (BadHttpRequestException exception) when (!http.Response.HasStarted)
        {
            AdminApiLog.UnreadableRequest(Logger(http), http.Request.Method, http.Request.Path, exception.StatusCode, exception.Message);
            return ApiResults.UnreadableRequest(exception);
        }
        catch (Exception exception) when (http.RequestAborted.IsCancellationRequested || IsConnectionAbort(exception))
        {
            AdminApiLog.ClientGone(Logger(http), http.Request.Method, http.Request.Path, exception.GetType().Name);
            // Nobody to answer. Aborting also stops Kestrel from draining a body whose read just failed
            // (it would find the reader still "in progress" and log an error: dotnet/aspnetcore#17840).
            http.Abort();
            return Results.Empty;
        }
        catch (StorageFullException exception) when (!http.Response.HasStarted)
        {
            AdminApiLog.RequestFailed(Logger(http), exception, http.Request.Method, http.Request.Path);
            return ApiResults.Error(StatusCodes.Status507InsufficientStorage, "storage_full", "the gateway's storage is full; the change was not recorded");
        }
        catch (Exception exception) when (!http.Response.HasStarted)
        {
            AdminApiLog.RequestFailed(Logger(http), exception, http.Request.Method, http.Request.Path);
            return ApiResults.Error(StatusCodes.Status500InternalServerError, "internal", "the gateway could not answer; see its log");
        }
    }

    /// <summary>The connection went away under the request: the client reset it, or the server is stopping.</summary>
    private static bool IsConnectionAbort(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is ConnectionAbortedException or ConnectionResetException)
            {
                return true;
            }
        }
        return false;
    }

    private static ILogger Logger(HttpContext http) => http.RequestServices.GetRequiredService<ILogger<AdminApiContext>>();
}
