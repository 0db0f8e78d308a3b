using System.Text;
using System.Text.Json;
using EdgeGate.Gateway.Uplink;
using EdgeGate.Gateway.Uplink.Commands;
using EdgeGate.Storage;
using EdgeGate.Storage.Privacy;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGate.Gateway.Tests.Uplink;

public sealed class CommandDispatcherTests : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("edgegate-dispatch-").FullName;
    private TemplateKey key = null!;
    private EdgeGateDatabase database = null!;
    private PlatformCommandDispatcher dispatcher = null!;

    public Task InitializeAsync()
    {
        key = new TemplateKey(new byte[TemplateKey.LengthBytes]);
        database = EdgeGateDatabase.Open(new StorageOptions { DatabasePath = Path.Combine(directory, "db") }, key);
        dispatcher = new PlatformCommandDispatcher(
            UplinkServiceCollectionExtensions.StandardHandlers(database, new TemplateSettings("m", 8), TimeProvider.System),
            database, 4096, TimeProvider.System, NullLogger<PlatformCommandDispatcher>.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        key.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Theory]
    [InlineData("launch", """{"v":1,"id":"x12"}""", "unknown_command")]
    [InlineData("enrol", """{"v":1,"id":"bad id"}""", "invalid_id")]
    [InlineData("enrol", "", "malformed_json")]
    public async Task Answers_before_any_handler_runs(string name, string json, string code)
    {
        var answer = await dispatcher.DispatchAsync(name, Encoding.UTF8.GetBytes(json), CancellationToken.None);

        using var document = JsonDocument.Parse(answer);
        Assert.False(document.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(code, document.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Too_large_is_refused_unread()
    {
        var answer = await dispatcher.DispatchAsync("enrol", new byte[5000], CancellationToken.None);

        Assert.Contains("\"code\":\"too_large\"", Encoding.UTF8.GetString(answer));
    }
}
