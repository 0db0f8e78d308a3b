using System.Globalization;
using System.Net.Http.Json;
using EdgeGate.Core.Persons;
using EdgeGate.Access;
using EdgeGate.Gateway.Tests.Live;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EdgeGate.Gateway.Tests.Api;

/// <summary>
/// The office clerk's day in the web console, in Debian's chromium on a small office screen (1024x600),
/// driving the gateway as <c>edgegate run</c> builds it with a camera on the RTSP test stream: add a
/// person with consent, enrol by upload and at the gate camera, issue and renew a card, renew the stay,
/// look up and export the access history, deregister on move-out.
/// </summary>
public sealed class OfficeConsoleBrowserTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [FaceDataFact]
    public async Task The_office_clerk_adds_enrols_issues_renews_exports_history_and_deregisters()
    {
        await using var gateway = await OfficeGateway.StartAsync("console");
        await using var browser = await ChromiumSession.LaunchAsync();
        var page = browser.Page;
        await page.SetViewportSizeAsync(1024, 600);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        string Day(int days) => today.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        await page.GotoAsync(new Uri(gateway.BaseAddress, "/console/").ToString());
        await page.GetByLabel("API token").FillAsync(gateway.Token);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("stream-status")).ToHaveTextAsync("live");

        // Add a person: Esc closes the dialog; empty fields and consent without its recorder are refused.
        var dialog = page.GetByTestId("person-dialog");
        await page.GetByTestId("add-person").ClickAsync();
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.GetByLabel("Person id")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToBeHiddenAsync();
        await page.GetByTestId("add-person").ClickAsync();
        await dialog.GetByTestId("person-save").ClickAsync();
        await Expect(dialog.GetByTestId("person-form-errors")).ToContainTextAsync("Person id: required");
        await Expect(dialog.GetByTestId("person-form-errors")).ToContainTextAsync("Name: required");
        await dialog.GetByLabel("Person id").FillAsync("a-101-1");
        await dialog.GetByLabel("Name", new() { Exact = true }).FillAsync("Rui Costa");
        await dialog.GetByLabel("Unit", new() { Exact = true }).FillAsync("A-101");
        await dialog.GetByLabel("Last day", new() { Exact = true }).FillAsync(Day(30));
        await dialog.GetByLabel("The person consented").CheckAsync();
        await dialog.GetByLabel("Name", new() { Exact = true }).PressAsync("Enter");
        await Expect(dialog.GetByTestId("person-form-errors")).ToContainTextAsync("Recorded by: say who took the consent");
        Assert.Null(await gateway.Database.Persons.GetAsync("a-101-1"));
        await dialog.GetByLabel("Recorded by", new() { Exact = true }).FillAsync("Wang (office)");
        await dialog.GetByLabel("Recorded by", new() { Exact = true }).PressAsync("Enter");
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync("Rui Costa added with recorded consent");
        var person = await gateway.Database.Persons.GetAsync("a-101-1");
        Assert.Equal(("Rui Costa", "A-101", "Wang (office)"), (person!.DisplayName, person.Unit, person.ConsentRecordedBy));

        // The same id again is refused in the dialog, nothing changes.
        await page.GetByTestId("add-person").ClickAsync();
        await dialog.GetByLabel("Person id").FillAsync("a-101-1");
        await dialog.GetByLabel("Name", new() { Exact = true }).FillAsync("Someone Else");
        await dialog.GetByTestId("person-save").ClickAsync();
        await Expect(dialog.GetByTestId("person-form-errors")).ToContainTextAsync("already exists");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        Assert.Equal("Rui Costa", (await gateway.Database.Persons.GetAsync("a-101-1"))!.DisplayName);

        // Enrol by upload: a text file is refused in plain words, the photo is enrolled.
        var detail = page.GetByTestId("person-detail");
        await Expect(detail.GetByTestId("face-summary")).ToContainTextAsync("0 face template(s)");
        var textFile = Path.Combine(gateway.Directory, "minutes.txt");
        await File.WriteAllTextAsync(textFile, "minutes of the residents' meeting");
        await detail.GetByLabel("Photo (JPEG or PNG)").SetInputFilesAsync(textFile);
        await detail.GetByTestId("upload-submit").ClickAsync();
        await Expect(detail.GetByTestId("face-result")).ToContainTextAsync("Photo refused: this is not a photo");
        await detail.GetByLabel("Photo (JPEG or PNG)").SetInputFilesAsync(OfficePhotos.Streamed);
        await detail.GetByTestId("upload-submit").ClickAsync();
        await Expect(detail.GetByTestId("face-result")).ToContainTextAsync("Photo enrolled: 1 face template(s) now.", new() { Timeout = 30_000 });
        await Expect(detail.GetByTestId("face-summary")).ToContainTextAsync("1 face template(s)");

        // Enrol at the gate camera: the captured face is shown first; retake, then save.
        await detail.GetByTestId("capture-camera").SelectOptionAsync(OfficeGateway.CameraName);
        var preview = detail.GetByTestId("capture-preview");
        await OfficeGateway.PollAsync(async () =>
        {
            await detail.GetByTestId("capture-submit").ClickAsync();
            await Expect(detail.GetByTestId("face-result")).Not.ToHaveTextAsync($"Capturing from {OfficeGateway.CameraName}…");
            return await preview.IsVisibleAsync() ? "" : null;
        }, Bound, "a face captured at the gate camera");
        await page.WaitForFunctionAsync("() => { const image = document.getElementById('capture-image'); return image.complete && image.naturalWidth > 100; }");
        await Expect(detail.GetByTestId("capture-save")).ToBeFocusedAsync();
        await detail.GetByTestId("capture-retake").ClickAsync();
        await Expect(preview).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => { const image = document.getElementById('capture-image'); return image.complete && image.naturalWidth > 100; }");
        await detail.GetByTestId("capture-save").ClickAsync();
        await Expect(detail.GetByTestId("face-result")).ToContainTextAsync($"Face enrolled from {OfficeGateway.CameraName}: 2 face template(s) now.", new() { Timeout = 30_000 });
        Assert.Equal(2, (await gateway.Database.Templates.ListForPersonAsync("a-101-1")).Count);

        // Issue a card and renew it; renew the stay.
        await detail.GetByLabel("Card number", new() { Exact = true }).FillAsync("04a1b2c3");
        await detail.GetByLabel("Last day", new() { Exact = true }).FillAsync(Day(30));
        await detail.GetByLabel("Last day", new() { Exact = true }).PressAsync("Enter");
        var cardRow = page.Locator("[data-testid=card-row][data-card-uid='04A1B2C3']");
        await Expect(cardRow.GetByTestId("card-last-day")).ToHaveTextAsync(Day(30));
        await Expect(page.GetByTestId("notice")).ToContainTextAsync($"Card 04A1B2C3 issued: valid through {Day(30)}");
        await cardRow.GetByLabel("New last day for card 04A1B2C3").FillAsync(Day(365));
        await cardRow.GetByRole(AriaRole.Button, new() { Name = "Renew card 04A1B2C3" }).ClickAsync();
        await Expect(cardRow.GetByTestId("card-last-day")).ToHaveTextAsync(Day(365));
        await detail.GetByLabel("New last day of the stay").FillAsync(Day(365));
        await detail.GetByRole(AriaRole.Button, new() { Name = "Renew stay" }).ClickAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync($"Stay of Rui Costa renewed: valid through {Day(365)}");
        var card = await gateway.Database.Cards.GetByUidAsync("04A1B2C3");
        Assert.Equal(("a-101-1", new DateTimeOffset(today.AddDays(365).ToDateTime(new TimeOnly(23, 59, 59, 999)), TimeSpan.Zero)), (card!.PersonId, card.ValidUntil));
        Assert.Equal(card.ValidUntil, (await gateway.Database.Persons.GetAsync("a-101-1"))!.ValidUntil);

        // History: the gate now knows the resident; a remote unlock adds a row for the door.
        await OfficeGateway.PollAsync(
            () => Task.FromResult(gateway.Feed.Recent.OfType<DecisionMade>().FirstOrDefault(made => made.Decision.PersonId == "a-101-1" && made.Seq is not null)),
            Bound, "a journaled decision for a-101-1");
        using (var client = gateway.CreateClient())
        {
            var unlocked = await client.PostAsJsonAsync($"/api/v1/doors/{OfficeGateway.DoorName}/unlock", new { reason = "parcel delivery", confirm = true });
            Assert.True(unlocked.IsSuccessStatusCode, await unlocked.Content.ReadAsStringAsync());
        }
        var history = page.GetByTestId("history-form");
        await history.GetByLabel("From", new() { Exact = true }).FillAsync(Day(0));
        await history.GetByLabel("To", new() { Exact = true }).FillAsync(Day(0));
        await history.GetByLabel("Person", new() { Exact = true }).FillAsync("a-101-1");
        await history.GetByLabel("Reason", new() { Exact = true }).SelectOptionAsync("GRANTED_FACE");
        await history.GetByLabel("Person", new() { Exact = true }).PressAsync("Enter");
        var rows = page.GetByTestId("history-row");
        await Expect(rows.First).ToBeVisibleAsync();
        var shown = await rows.CountAsync();
        for (var i = 0; i < shown; i++)
        {
            await Expect(rows.Nth(i)).ToHaveAttributeAsync("data-person-id", "a-101-1");
            await Expect(rows.Nth(i)).ToHaveAttributeAsync("data-reason", "GRANTED_FACE");
        }
        await Expect(page.GetByTestId("history-summary")).ToContainTextAsync($"Page 1 · {shown} shown");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("history-csv").ClickAsync());
        Assert.StartsWith("edgegate-history-", download.SuggestedFilename, StringComparison.Ordinal);
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var csvPath = Path.Combine(gateway.Directory, download.SuggestedFilename);
        await download.SaveAsAsync(csvPath);
        var lines = (await File.ReadAllLinesAsync(csvPath)).Where(line => line.Length > 0).ToList();
        Assert.Equal("seq,occurred_at,type,door,person,card,reason,outcome,detail,delivered", lines[0]);
        Assert.True(lines.Count - 1 >= shown, $"{lines.Count - 1} CSV rows, {shown} shown");
        Assert.All(lines.Skip(1), line => Assert.Contains($",access_decision,{OfficeGateway.DoorName},a-101-1,,GRANTED_FACE,", line, StringComparison.Ordinal));

        // The door filter finds the remote unlock.
        await history.GetByLabel("Person", new() { Exact = true }).FillAsync("");
        await history.GetByLabel("Reason", new() { Exact = true }).SelectOptionAsync("GRANTED_REMOTE");
        await history.GetByLabel("Door", new() { Exact = true }).SelectOptionAsync(OfficeGateway.DoorName);
        await history.GetByRole(AriaRole.Button, new() { Name = "Search history" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToHaveAttributeAsync("data-reason", "GRANTED_REMOTE");

        // Move-out: confirmed by typing the id; face data deleted, card revoked.
        var personRow = page.Locator("[data-testid=person-row][data-person-id=a-101-1]");
        await personRow.GetByRole(AriaRole.Button, new() { Name = "Deregister Rui Costa" }).ClickAsync();
        var deregister = page.GetByTestId("deregister-dialog");
        await deregister.GetByLabel("Type the person id").FillAsync("a-101-1");
        await deregister.GetByTestId("deregister-confirm").ClickAsync();
        await Expect(personRow.GetByTestId("person-status")).ToHaveTextAsync("Deregistered");
        await Expect(page.GetByTestId("notice")).ToContainTextAsync("2 face templates");
        await Expect(detail.GetByTestId("face-summary")).ToContainTextAsync("Moved out");
        Assert.Equal(PersonStatus.Deregistered, (await gateway.Database.Persons.GetAsync("a-101-1"))!.Status);
        Assert.Empty(await gateway.Database.Templates.ListForPersonAsync("a-101-1"));
        Assert.Equal(CardStatus.Revoked, (await gateway.Database.Cards.GetByUidAsync("04A1B2C3"))!.Status);

        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "office-console-1024x600.png"), FullPage = true });
        Assert.Empty(browser.Errors);
    }
}
