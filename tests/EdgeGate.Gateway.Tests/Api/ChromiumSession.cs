using Microsoft.Playwright;

namespace EdgeGate.Gateway.Tests.Api;

/// <summary>
/// Debian's <c>chromium</c> driven by Playwright (the driver shipped in the Microsoft.Playwright package,
/// no browser download): headless, in a new empty profile directory that is removed on dispose.
/// Script errors (uncaught exceptions and console.error) are collected so a test can assert the console ran cleanly.
/// </summary>
public sealed class ChromiumSession : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright playwright;
    private readonly string profileDirectory;
    private readonly List<string> errors = [];

    private ChromiumSession(IPlaywright playwright, IBrowserContext context, IPage page, string profileDirectory)
    {
        this.playwright = playwright;
        this.profileDirectory = profileDirectory;
        Context = context;
        Page = page;
        page.PageError += (_, message) => Record($"page error: {message}");
        page.Console += (_, message) =>
        {
            // Chromium also logs every non-2xx answer ("Failed to load resource"); those are answers the
            // console expects and handles (a refused token, a camera with no frame yet), not script errors.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                Record($"console error: {message.Text}");
            }
        };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Script errors and console errors seen so far.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (errors)
            {
                return errors.ToArray();
            }
        }
    }

    public static async Task<ChromiumSession> LaunchAsync(string timeZone = "UTC")
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Debian's chromium is not installed at {ExecutablePath} (apt-get install chromium): the web console's browser tests drive it");
        }
        var profileDirectory = Path.Combine(Path.GetTempPath(), $"edgegate-chromium-{Guid.NewGuid():N}");
        Directory.CreateDirectory(profileDirectory);
        IPlaywright? playwright = null;
        try
        {
            playwright = await Playwright.CreateAsync();
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profileDirectory, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = Arguments,
                Timeout = 60_000,
                ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
                Locale = "en-GB",
                TimezoneId = timeZone,
            });
            context.SetDefaultTimeout(15_000);
            var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
            return new ChromiumSession(playwright, context, page, profileDirectory);
        }
        catch
        {
            playwright?.Dispose();
            Directory.Delete(profileDirectory, recursive: true);
            throw;
        }
    }

    private void Record(string error)
    {
        lock (errors)
        {
            errors.Add(error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Context.CloseAsync();
        }
        finally
        {
            playwright.Dispose();
            try
            {
                Directory.Delete(profileDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still be writing its profile while it exits; the temp directory is cleaned by the system.
            }
        }
    }
}
