using System.ComponentModel.DataAnnotations;

namespace EdgeGate.Gateway.Configuration;

/// <summary>Section <c>Recognition</c>: match thresholds and the per-track vote. Calibrate per site.</summary>
public sealed class RecognitionOptions
{
    public const string SectionName = "Recognition";

    /// <summary>Cosine similarity a face must reach to count as a person (see `edgegate eval`).</summary>
    [Range(0.0, 1.0)]
    public double MatchThreshold { get; set; } = 0.5;

    /// <summary>Required lead of the best person over the second-best.</summary>
    [Range(0.0, 1.0)]
    public double Margin { get; set; } = 0.05;

    /// <summary>P(real) a face must reach; below it the frame votes "spoof".</summary>
    [Range(0.0, 1.0)]
    public double LivenessThreshold { get; set; } = 0.5;

    /// <summary>A candidate is emitted once this many of the last <see cref="VoteWindow"/> frames agree.</summary>
    [Range(1, 30)]
    public int VotesRequired { get; set; } = 3;

    [Range(1, 60)]
    public int VoteWindow { get; set; } = 5;

    /// <summary>Faces smaller than this (square box side, pixels) are skipped.</summary>
    [Range(20, 2000)]
    public int MinimumFaceSize { get; set; } = 60;

    /// <summary>Keep a JPEG snapshot of strangers (size- and retention-limited).</summary>
    public bool StrangerSnapshots { get; set; }

    public TimeSpan SnapshotRetention { get; set; } = TimeSpan.FromDays(7);
}
