using System.Globalization;
using EdgeGate.Devices.Mqtt;
using EdgeGate.Uplink;
using EdgeGate.Uplink.Commands;
using EdgeGate.Storage;
using EdgeGate.Storage.Journal;
using EdgeGate.Storage.Privacy;
using Microsoft.Extensions.Logging;

// Usage: EdgeGate.Uplink.Chaos <database> <credentials dir> <broker port> <site> <gateway> <total events> <batch> <pause ms>
// Journals routine events (every 50th an alert) in batches until the journal's last seq reaches
// <total>, printing "RECORDED <seq>" after each durable batch, while an UplinkSession publishes
// them; then keeps the uplink running until killed.
if (args.Length != 8)
{
    await Console.Error.WriteLineAsync("usage: EdgeGate.Uplink.Chaos <database> <credentials dir> <port> <site> <gateway> <total> <batch> <pause ms>");
    return 2;
}
var port = int.Parse(args[2], CultureInfo.InvariantCulture);
var total = long.Parse(args[5], CultureInfo.InvariantCulture);
var batch = int.Parse(args[6], CultureInfo.InvariantCulture);
var pause = TimeSpan.FromMilliseconds(int.Parse(args[7], CultureInfo.InvariantCulture));

using var key = TemplateKeyStore.LoadOrCreate(args[1]);
await using var database = EdgeGateDatabase.Open(new StorageOptions { DatabasePath = args[0], JournalMaximumRows = 10_000_000 }, key);
using var loggerFactory = LoggerFactory.Create(builder => builder.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
var topics = new UplinkTopics(args[3], args[4]);
var clientOptions = new MqttClientOptions
{
    Host = "127.0.0.1",
    Port = port,
    ClientId = $"chaos-{args[4]}",
    WillTopic = topics.State,
    WillPayload = UplinkMessages.OfflineState(topics),
    WillRetain = true,
    ConnectTimeout = TimeSpan.FromSeconds(30),
    OperationTimeout = TimeSpan.FromSeconds(5),
};
await using var client = new SupervisedMqttClient(clientOptions);
var templateSettings = new TemplateSettings("", 512);
var dispatcher = new PlatformCommandDispatcher(
    UplinkServiceCollectionExtensions.StandardHandlers(database, templateSettings, TimeProvider.System),
    database, 1024 * 1024, TimeProvider.System, loggerFactory.CreateLogger<PlatformCommandDispatcher>());
var session = new UplinkSession(client, database, topics,
    new UplinkSessionOptions { Window = 500, BatchSize = 250, AckTimeout = TimeSpan.FromSeconds(3), PollInterval = TimeSpan.FromMilliseconds(50) },
    dispatcher, TimeProvider.System, loggerFactory.CreateLogger<UplinkSession>());
using var stop = new CancellationTokenSource();
var uplink = session.RunAsync(stop.Token);
var connecting = client.ConnectAsync(CancellationToken.None);

var status = await database.Journal.GetStatusAsync();
var next = status.LastSeq;
await Console.Out.WriteLineAsync($"READY {next}");
while (next < total)
{
    var count = (int)Math.Min(batch, total - next);
    var drafts = new List<JournalDraft>(count);
    for (var i = 1; i <= count; i++)
    {
        var n = next + i;
        drafts.Add(new JournalDraft(
            n % 50 == 0 ? JournalLane.Alert : JournalLane.Event,
            n % 50 == 0 ? "lock_failure" : "access_granted",
            DateTimeOffset.UtcNow,
            $"{{\"n\":{n},\"door\":\"gate-1\"}}"));
    }
    var seqs = await database.Journal.AppendBatchAsync(drafts);
    next = seqs[^1];
    await Console.Out.WriteLineAsync($"RECORDED {next}");
    await Console.Out.FlushAsync();
    await Task.Delay(pause);
}
await Console.Out.WriteLineAsync("PRODUCED");
try
{
    await connecting;
}
catch (Exception exception) when (exception is not OperationCanceledException)
{
    await Console.Error.WriteLineAsync($"connect: {exception.Message}");
}
await uplink;
return 0;
