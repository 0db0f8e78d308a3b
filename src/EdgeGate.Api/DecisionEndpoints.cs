using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace EdgeGate.Api;

/// <summary><c>decisions/recent</c> and the live <c>decisions/stream</c> (Server-Sent Events).</summary>
internal static class DecisionEndpoints
{
    /// <summary>A comment line this often keeps proxies and the browser from closing an idle stream.</summary>
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("decisions/recent", Recent);
        api.MapGet("decisions/stream", StreamAsync);
    }

    private static IResult Recent([FromServices] IDecisionFeed? feed, string? limit)
    {
        if (!QueryValues.TryParseInt(limit, 1, AdminApiLimits.MaximumPageSize, out var rows))
        {
            return ApiResults.BadRequest($"limit must be a number 1-{AdminApiLimits.MaximumPageSize}");
        }
        if (feed is null)
        {
            return NoFeed();
        }
        var count = rows ?? 50;
        var recent = feed.Recent;
        var views = recent.Skip(Math.Max(0, recent.Count - count)).Reverse().Select(DecisionView.From).ToArray();
        return TypedResults.Json(views, AdminApiJson.Options);
    }

    private static async Task<IResult> StreamAsync(
        HttpContext context,
        [FromServices] IDecisionFeed? feed,
        [FromServices] TimeProvider timeProvider,
        [FromServices] IHostApplicationLifetime lifetime)
    {
        if (feed is null)
        {
            return NoFeed();
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var enumerator = feed.SubscribeAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        // Subscribed before the first byte goes out: a client that sees the stream open misses nothing after it.
        var next = enumerator.MoveNextAsync().AsTask();
        long eventId = 0;
        try
        {
            await response.WriteAsync(": subscribed\n\n", stop.Token).ConfigureAwait(false);
            await response.Body.FlushAsync(stop.Token).ConfigureAwait(false);
            while (true)
            {
                using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                var delay = Task.Delay(KeepAliveInterval, timeProvider, keepAlive.Token);
                var finished = await Task.WhenAny(next, delay).ConfigureAwait(false);
                await keepAlive.CancelAsync().ConfigureAwait(false);
                if (finished == next)
                {
                    if (!await next.ConfigureAwait(false))
                    {
                        break;
                    }
                    var json = JsonSerializer.Serialize(DecisionView.From(enumerator.Current), AdminApiJson.Options);
                    await response.WriteAsync($"id: {++eventId}\nevent: decision\ndata: {json}\n\n", stop.Token).ConfigureAwait(false);
                    next = enumerator.MoveNextAsync().AsTask();
                }
                else
                {
                    stop.Token.ThrowIfCancellationRequested();
                    await response.WriteAsync(": keep-alive\n\n", stop.Token).ConfigureAwait(false);
                }
                await response.Body.FlushAsync(stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client went away or the gateway is stopping.
        }
        catch (IOException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The connection broke while writing.
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await next.ConfigureAwait(false);
            }
            catch (Exception) when (next.IsCanceled || next.IsFaulted)
            {
                // The subscription ended with the request; a failure of the feed already surfaced above.
            }
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
        return Results.Empty;
    }

    private static IResult NoFeed() =>
        ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "unavailable", "live decisions are not available on this host (the decision stage is not running)");
}
