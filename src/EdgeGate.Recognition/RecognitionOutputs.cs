using System.Threading.Channels;
using EdgeGate.Core.Recognition;

namespace EdgeGate.Recognition;

/// <summary>
/// What recognition hands to the decision stage: candidates and stranger sightings. Neither is
/// ever dropped: the channels are bounded only to keep memory finite, and a full channel makes
/// recognition wait (frames then drop at the capture hand-off instead, where dropping is safe).
/// </summary>
public sealed class RecognitionOutputs
{
    /// <summary>Items that may wait for the decision stage before recognition waits.</summary>
    public const int Capacity = 1024;

    private readonly Channel<FaceCandidate> candidates = Channel.CreateBounded<FaceCandidate>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleWriter = true });

    private readonly Channel<StrangerSighting> strangers = Channel.CreateBounded<StrangerSighting>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleWriter = true });

    /// <summary>Read by the decision stage.</summary>
    public ChannelReader<FaceCandidate> Candidates => candidates.Reader;

    /// <summary>Read by the decision stage (journal a stranger event).</summary>
    public ChannelReader<StrangerSighting> Strangers => strangers.Reader;

    internal ChannelWriter<FaceCandidate> CandidateWriter => candidates.Writer;

    internal ChannelWriter<StrangerSighting> StrangerWriter => strangers.Writer;

    /// <summary>Recognition has stopped: readers finish after what is queued.</summary>
    internal void Complete()
    {
        candidates.Writer.TryComplete();
        strangers.Writer.TryComplete();
    }
}
