using EdgeGate.Tools.Demo;
using EdgeGate.TestSupport.Peers;

namespace EdgeGate.Gateway.Tests.EndToEnd;

/// <summary>The end-to-end tests run one at a time: each runs a whole gateway on the two shared cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "End to end";
}

/// <summary>
/// The real peers of one test class, started once and stopped after it: the demo's four faces cut
/// from the sample photos, a mosquitto broker (the platform's side), a Modbus RTU relay board
/// (pymodbus on one end of a socat pty pair; the gateway's door opens the other end) and three
/// GStreamer RTSP streams telling the stories the tests need. An RTSP stream costs nothing until a
/// gateway connects (each client gets its own encoder, starting at the first segment).
/// </summary>
public sealed class EndToEndPeers : IAsyncLifetime
{
    /// <summary>
    /// The demo's stream size. The square crops are letterboxed into it; measured here, the expired
    /// resident's crop gets liveness 0.82-0.88 at this size but only 0.38-0.47 filling a 640x640 stream.
    /// </summary>
    public const int StreamWidth = 1280;

    public const int StreamHeight = 720;

    public const int StreamFramesPerSecond = 10;

    private readonly List<IDisposable> started = [];

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("edgegate-e2e-").FullName;

    /// <summary>Face crops in <see cref="DemoResidents.Roles"/> order: valid resident, expired resident, watch-listed visitor, stranger.</summary>
    public IReadOnlyList<string> Faces { get; private set; } = [];

    public MosquittoBroker Broker { get; private set; } = null!;

    public SocatPair RelayLine { get; private set; } = null!;

    /// <summary>The relay board, on <see cref="SocatPair.PathA"/>; the gateway's door uses <see cref="SocatPair.PathB"/>.</summary>
    public ModbusSlave Relay { get; private set; } = null!;

    /// <summary>The valid resident walks up again and again (1 s nobody, 4 s in view).</summary>
    public RtspTestServer ValidResidentStream { get; private set; } = null!;

    /// <summary>The expired resident walks up again and again (1.5 s nobody, 3.5 s in view).</summary>
    public RtspTestServer ExpiredResidentStream { get; private set; } = null!;

    /// <summary>Once per connection: the valid resident, then the watch-listed visitor, then nobody for a long while.</summary>
    public RtspTestServer ResidentThenWatchListedStream { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        try
        {
            // CPU work off the test thread; the peers start meanwhile.
            var cutting = Task.Run(() => DemoResidents.CutFaces(Path.Combine(AppContext.BaseDirectory, "samples"), Path.Combine(Directory, "faces")));
            Broker = Keep(await MosquittoBroker.StartAsync());
            RelayLine = Keep(await SocatPair.StartAsync());
            Relay = Keep(await ModbusSlave.StartAsync(RelayLine.PathA));
            Faces = await cutting;
            var (valid, expired, watchListed) = (Faces[0], Faces[1], Faces[2]);
            ValidResidentStream = Keep(await StartStreamAsync(RtspSegment.Blank(1), RtspSegment.Image(valid, 4)));
            ExpiredResidentStream = Keep(await StartStreamAsync(RtspSegment.Blank(1.5), RtspSegment.Image(expired, 3.5)));
            ResidentThenWatchListedStream = Keep(await StartStreamAsync(
                RtspSegment.Blank(1), RtspSegment.Image(valid, 3), RtspSegment.Blank(1.5), RtspSegment.Image(watchListed, 4), RtspSegment.Blank(60)));
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public Task DisposeAsync()
    {
        for (var i = started.Count - 1; i >= 0; i--)
        {
            started[i].Dispose();
        }
        started.Clear();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
        return Task.CompletedTask;
    }

    /// <summary>Coil writes the relay board has seen so far (oldest first).</summary>
    public IReadOnlyList<ModbusSlaveEvent> CoilWrites() => Relay.Events.Where(change => change.Kind == "coil").ToList();

    private static Task<RtspTestServer> StartStreamAsync(params RtspSegment[] segments) =>
        RtspTestServer.StartAsync(segments, StreamWidth, StreamHeight, StreamFramesPerSecond);

    private T Keep<T>(T peer) where T : IDisposable
    {
        started.Add(peer);
        return peer;
    }
}
