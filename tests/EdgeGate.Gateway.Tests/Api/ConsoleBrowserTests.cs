using System.Globalization;
using EdgeGate.Core.Access;
using EdgeGate.Core.Persons;
using EdgeGate.Api;
using EdgeGate.Storage.Persons;
using EdgeGate.TestSupport;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EdgeGate.Gateway.Tests.Api;

/// <summary>
/// The web console in Debian's chromium (headless, through Playwright) against a real Kestrel and a real
/// SQLite store; decisions come from the real access policy over that store, pushed through the feed.
/// </summary>
public sealed class ConsoleBrowserTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Console_shows_live_decisions_renews_a_card_deregisters_a_person_and_unlocks_a_door()
    {
        using var timeout = new CancellationTokenSource(Bound);
        await using var host = await ConsoleTestHost.StartAsync();
        var database = host.Database;
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(PersonWriteStatus.Applied, (await database.Persons.AddAsync(new Person { Id = "p-alice", DisplayName = "Alice Example", Unit = "A-101" })).Status);
        Assert.Equal(PersonWriteStatus.Applied, (await database.Persons.AddAsync(new Person { Id = "p-bob", DisplayName = "Bob Sample", Unit = "B-202" })).Status);
        Assert.Equal(CardWriteStatus.Applied, (await database.Cards.IssueAsync("CARD-A1", "p-alice", now.AddDays(-2))).Status);
        Assert.Equal(CardWriteStatus.Applied, (await database.Cards.IssueAsync("CARD-B1", "p-bob", now.AddDays(60))).Status);
        var sample = Path.Combine(RepositoryPaths.Root, ".deps", "samples", "sample1.jpg");
        var frame = File.Exists(sample) ? await File.ReadAllBytesAsync(sample, timeout.Token) : null;
        host.Cameras.Set(new CameraHealthView("gate-cam", ConsoleTestHost.DoorName, "Streaming", 15, 4.8, 2, 0, now, null, null), frame);
        host.Cameras.Set(new CameraHealthView("garage-cam", "garage", "Reconnecting", 0, 0, 0, 3, now.AddMinutes(-5), "no frame for 10 s", now.AddSeconds(-20)), null);

        var siteZone = host.Context.SiteTimeZone;
        var stage = new CardPresentationStage(
            database,
            host.Feed,
            new Door { Id = ConsoleTestHost.DoorName, Name = ConsoleTestHost.DoorName },
            new AccessSettings { TimeZone = siteZone },
            TimeProvider.System);

        await using var browser = await ChromiumSession.LaunchAsync(ConsoleTestHost.SiteTimeZone);
        var page = browser.Page;

        // Sign in: a wrong token is refused, the right one opens the console and the live stream.
        await page.GotoAsync(new Uri(host.BaseAddress, "/console/").ToString());
        await page.GetByLabel("API token").FillAsync("not-the-token-of-this-gateway");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open console" }).ClickAsync();
        await Expect(page.GetByTestId("login-error")).ToContainTextAsync("not valid");
        await page.GetByLabel("API token").FillAsync(host.Token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open console" }).ClickAsync();
        await Expect(page.GetByTestId("stream-status")).ToHaveTextAsync("live");
        await host.Feed.WaitForSubscriberAsync(TimeSpan.FromSeconds(10));

        // A live decision: Alice's card expired, so the policy denies it.
        var expired = await stage.PresentCardAsync("CARD-A1", timeout.Token);
        Assert.Equal(AccessReason.DeniedExpired, expired.Reason);
        var expiredItem = page.Locator("[data-testid=decision][data-reason=DENIED_EXPIRED][data-card-uid=CARD-A1]");
        await Expect(expiredItem).ToBeVisibleAsync();
        await Expect(expiredItem.GetByTestId("decision-message")).ToHaveTextAsync(expired.Message);

        // Camera tiles: health, and the latest frame as an image.
        var gateTile = page.Locator("[data-testid=camera-tile][data-camera=gate-cam]");
        await Expect(gateTile.GetByTestId("camera-state")).ToHaveTextAsync("Streaming");
        await Expect(page.Locator("[data-testid=camera-tile][data-camera=garage-cam]")).ToContainTextAsync("no frame for 10 s");
        if (frame is not null)
        {
            var snapshot = gateTile.GetByTestId("camera-snapshot");
            await Expect(snapshot).ToBeVisibleAsync();
            await page.WaitForFunctionAsync("() => { const image = document.querySelector('[data-camera=\"gate-cam\"] img'); return image && image.complete && image.naturalWidth > 0; }");
        }

        // Renew Alice's card through the console; the store holds the new last day.
        await page.GetByTestId("person-search").FillAsync("alice");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search persons" }).ClickAsync();
        var aliceRow = page.Locator("[data-testid=person-row][data-person-id=p-alice]");
        await Expect(page.GetByTestId("person-row")).ToHaveCountAsync(1);
        await aliceRow.GetByRole(AriaRole.Button, new() { Name = "Open Alice Example" }).ClickAsync();
        var cardRow = page.Locator("[data-testid=card-row][data-card-uid=CARD-A1]");
        await Expect(cardRow.GetByTestId("card-last-day")).ToContainTextAsync("(expired)");
        var newLastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, siteZone).DateTime).AddDays(90);
        var newLastDayText = newLastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await cardRow.GetByLabel("New last day for card CARD-A1").FillAsync(newLastDayText);
        await cardRow.GetByRole(AriaRole.Button, new() { Name = "Renew card CARD-A1" }).ClickAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync($"valid through {newLastDayText}");
        await Expect(cardRow.GetByTestId("card-last-day")).ToHaveTextAsync(newLastDayText);
        var renewed = await database.Cards.GetByUidAsync("CARD-A1", timeout.Token);
        Assert.Equal(host.Context.EndOfDay(newLastDay), renewed!.ValidUntil);

        // The next decision reflects the renewal.
        var granted = await stage.PresentCardAsync("CARD-A1", timeout.Token);
        Assert.Equal(AccessReason.GrantedCard, granted.Reason);
        await Expect(page.Locator("[data-testid=decision][data-reason=GRANTED_CARD][data-card-uid=CARD-A1]")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("decision").First).ToHaveAttributeAsync("data-reason", "GRANTED_CARD");

        // Deregister Bob: the button stays disabled until his id is typed.
        await page.GetByTestId("person-search").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search persons" }).ClickAsync();
        var bobRow = page.Locator("[data-testid=person-row][data-person-id=p-bob]");
        await bobRow.GetByRole(AriaRole.Button, new() { Name = "Deregister Bob Sample" }).ClickAsync();
        var dialog = page.GetByTestId("deregister-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.GetByTestId("deregister-confirm")).ToBeDisabledAsync();
        await dialog.GetByLabel("Type the person id").FillAsync("p-bo");
        await Expect(dialog.GetByTestId("deregister-confirm")).ToBeDisabledAsync();
        await dialog.GetByLabel("Type the person id").FillAsync("p-bob");
        await dialog.GetByTestId("deregister-confirm").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(bobRow.GetByTestId("person-status")).ToHaveTextAsync("Deregistered");
        await Expect(page.GetByTestId("notice")).ToContainTextAsync("1 cards revoked");
        Assert.Equal(PersonStatus.Deregistered, (await database.Persons.GetAsync("p-bob", timeout.Token))!.Status);
        Assert.Equal(CardStatus.Revoked, (await database.Cards.GetByUidAsync("CARD-B1", timeout.Token))!.Status);
        var refused = await stage.PresentCardAsync("CARD-B1", timeout.Token);
        Assert.Equal(AccessReason.DeniedRevoked, refused.Reason);
        await Expect(page.Locator("[data-testid=decision][data-reason=DENIED_REVOKED][data-card-uid=CARD-B1]")).ToBeVisibleAsync();

        // Remote unlock asks for confirmation first.
        await page.GetByTestId("unlock-door").SelectOptionAsync(ConsoleTestHost.DoorName);
        await page.GetByTestId("unlock-reason").FillAsync("parcel delivery");
        await page.GetByTestId("unlock-submit").ClickAsync();
        var unlockDialog = page.GetByTestId("unlock-dialog");
        await Expect(unlockDialog).ToContainTextAsync("parcel delivery");
        Assert.Empty(host.Unlock.Requests);
        await unlockDialog.GetByRole(AriaRole.Button, new() { Name = "Unlock the door" }).ClickAsync();
        await Expect(page.GetByTestId("unlock-result")).ToContainTextAsync("The door was released.");
        Assert.Equal((ConsoleTestHost.DoorName, "local-console", "parcel delivery"), host.Unlock.Requests.Single());

        // Events: the journaled decisions are found by type and text.
        await page.GetByTestId("events-type").FillAsync("access_decision");
        await page.GetByTestId("events-text").FillAsync("CARD-A1");
        await page.GetByTestId("events-submit").ClickAsync();
        await Expect(page.GetByTestId("event-row")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("event-row").First).ToContainTextAsync("GRANTED_CARD");

        var screenshot = Path.Combine(AppContext.BaseDirectory, "console-screenshot.png");
        await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000);

        // A reload keeps the session (token in sessionStorage) and reloads the recent decisions.
        await page.ReloadAsync();
        await Expect(page.GetByTestId("stream-status")).ToHaveTextAsync("live");
        await Expect(page.GetByTestId("decision")).ToHaveCountAsync(3);

        Assert.Empty(browser.Errors);
    }
}
