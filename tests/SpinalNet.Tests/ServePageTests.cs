// The page of `spinalnet serve` (docs/serving.md §16.5) in a real headless Chromium (Debian's chromium at /usr/bin/chromium,
// which .ci/run installs where missing; driven by PuppeteerSharp with no browser download): choose a real test digit,
// the predicted classes appear, equal to predict's, with the Grad-CAM overlay and the shares chart; the page asks
// nothing of any other host. Screenshots are kept as test artifacts (artifacts/ beside the test assembly, or
// $SPINALNET_TEST_ARTIFACTS); docs/images/serve-page.png is one.
using PuppeteerSharp;
using Xunit.Abstractions;

namespace SpinalNet.Tests;

public sealed class ServePageTests(ServeFixture server, ITestOutputHelper output) : IClassFixture<ServeFixture>
{
    const string Chromium = "/usr/bin/chromium";

    static string ArtifactFolder() => Directory.CreateDirectory(
        Environment.GetEnvironmentVariable("SPINALNET_TEST_ARTIFACTS") is { Length: > 0 } folder
            ? folder
            : Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

    [SkippableFact]
    public async Task Uploading_an_image_shows_predicts_answer_the_overlay_and_the_shares_in_headless_chromium()
    {
        Skip.IfNot(File.Exists(Chromium), $"{Chromium} is not installed (apt-get install chromium; .ci/run does)");
        var expected = server.Source.Predict([server.Digits[0]], 5)[0];
        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            Headless = true,
            ExecutablePath = Chromium,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
            Timeout = 60_000,
        });
        await using var page = await browser.NewPageAsync();
        var requested = new List<string>();
        page.Request += (_, e) => { lock (requested) requested.Add(e.Request.Url); };
        await page.SetViewportAsync(new ViewPortOptions { Width = 1100, Height = 640 });
        await page.GoToAsync(server.Address + "/");

        var input = await page.QuerySelectorAsync("#file");
        await input.UploadFileAsync(server.Digits[0]);
        await page.WaitForSelectorAsync("#predictions tbody tr", new WaitForSelectorOptions { Timeout = 20_000 });
        await page.WaitForSelectorAsync("#shares-figure:not([hidden])", new WaitForSelectorOptions { Timeout = 20_000 });
        await page.WaitForFunctionAsync("() => document.getElementById('overlay').complete && " +
                                        "document.getElementById('shares').complete");

        var rows = await page.EvaluateExpressionAsync<string[][]>(
            "[...document.querySelectorAll('#predictions tbody tr')].map(r => [...r.cells].slice(0, 2).map(c => c.textContent))");
        Assert.Equal(expected.Top.Select(c => new[] { c.Name, $"{100 * c.Probability:F2}%" }), rows);
        var overlayWidth = await page.EvaluateExpressionAsync<int>("document.getElementById('overlay').naturalWidth");
        Assert.Equal(280, overlayWidth);
        Assert.Equal("", await page.EvaluateExpressionAsync<string>("document.getElementById('status').textContent"));

        var screenshot = Path.Combine(ArtifactFolder(), "serve-page.png");
        await page.ScreenshotAsync(screenshot, new ScreenshotOptions { FullPage = true });
        output.WriteLine($"screenshot: {screenshot}");
        Assert.True(new FileInfo(screenshot).Length > 10_000);
        lock (requested)
            Assert.All(requested, url => Assert.StartsWith(server.Address, url.StartsWith("data:") ? server.Address : url));

        // Garbage chosen in the page: the server's error is shown and the page goes on.
        var junk = Path.Combine(server.Folder, "junk.png");
        File.WriteAllText(junk, "not an image");
        await input.UploadFileAsync(junk);
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent.length > 0",
            new WaitForFunctionOptions { Timeout = 20_000 });
        Assert.Contains("not an image", await page.EvaluateExpressionAsync<string>(
            "document.getElementById('status').textContent"));
    }
}
