using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeGate.Api;

/// <summary>
/// The web console: plain HTML, CSS and JavaScript embedded in the assembly and served from memory
/// under <c>/console/</c>. The files hold no data; every data request carries the API token.
/// </summary>
internal static class ConsoleFiles
{
    private const string ResourcePrefix = "EdgeGate.Console.";

    /// <summary>Same-origin only: no inline script, no third-party anything; snapshots come as blob URLs.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; " +
        "form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly Lazy<FrozenDictionary<string, byte[]>> Files = new(Load);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", () => Results.Redirect("/console/"));
        // Routing treats "/console" and "/console/" alike: one route with an optional file name.
        endpoints.MapGet("/console/{file?}", (HttpContext context, string? file) => Serve(context, file ?? "index.html"));
    }

    /// <summary>The names of the console's files.</summary>
    public static IReadOnlyCollection<string> Names => Files.Value.Keys;

    private static IResult Serve(HttpContext context, string file)
    {
        if (!Files.Value.TryGetValue(file, out var content) || !ContentTypes.TryGetValue(Path.GetExtension(file), out var contentType))
        {
            return ApiResults.NotFound($"no console file '{file}'");
        }
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        return TypedResults.Bytes(content, contentType);
    }

    private static FrozenDictionary<string, byte[]> Load()
    {
        var assembly = typeof(ConsoleFiles).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"embedded console file {name} cannot be opened");
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            files[name[ResourcePrefix.Length..]] = memory.ToArray();
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
