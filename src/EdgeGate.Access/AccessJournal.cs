using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeGate.Core.Access;
using EdgeGate.Core.Doors;
using EdgeGate.Core.Recognition;
using EdgeGate.Storage.Journal;

namespace EdgeGate.Access;

/// <summary>
/// The journal records of the decision stage. Payloads are JSON with a <c>schema</c> version; the
/// gateway-wide <c>seq</c> is the journal's. Alerts (watch list, spoof, passback violation, a door
/// that did not respond, a door forced or held open) take the alert lane, which is uploaded first
/// and never dropped.
/// </summary>
public static class AccessJournal
{
    public const int SchemaVersion = 1;
    public const string DecisionType = "access_decision";

    /// <summary>A repeat within the cooldown (<see cref="AccessOutcome.Suppressed"/>): no door was driven.</summary>
    public const string SuppressedType = "access_suppressed";
    public const string DoorOutcomeType = "door_outcome";
    public const string DoorFaultType = "door_fault";
    public const string DoorAlarmType = "door_alarm";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static JournalLane LaneFor(AccessDecision decision) =>
        decision.Alerts != AccessAlerts.None ? JournalLane.Alert : JournalLane.Event;

    /// <summary>
    /// The journal row of a decision: <see cref="DecisionType"/>, or <see cref="SuppressedType"/> with
    /// <c>repeatOf</c> (the reason of the decision it repeats) for a suppressed repeat.
    /// </summary>
    public static JournalDraft DecisionDraft(AccessAttempt attempt, AccessDecision decision)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(decision);
        var payload = new DecisionPayload
        {
            Schema = SchemaVersion,
            AttemptId = attempt.Id,
            Door = decision.DoorId,
            Source = attempt.Source,
            Credential = decision.Credential.Kind,
            Outcome = decision.Outcome,
            Reason = decision.ReasonCode,
            Alerts = AlertNames(decision.Alerts),
            Message = decision.Message,
            PersonId = decision.PersonId,
            CardUid = decision.CardUid,
            Direction = decision.Direction,
            TrackId = attempt.TrackId,
            RepeatOf = decision.RepeatOf?.ToCode(),
        };
        switch (decision.Credential)
        {
            case FaceCredential face:
                payload = payload with
                {
                    Camera = face.CameraId,
                    Similarity = Math.Round(face.Similarity, 4),
                    Liveness = Math.Round(face.LivenessScore, 4),
                    LivenessPassed = face.LivenessPassed,
                    Presentation = face.Presentation is { } evidence ? PresentationPayload.From(evidence) : null,
                };
                break;
            case CardCredential card:
                payload = payload with { Reader = card.ReaderId, CardUid = decision.CardUid ?? card.Uid };
                break;
            case RemoteCredential remote:
                payload = payload with { Operator = remote.OperatorId, RemoteReason = remote.Reason };
                break;
            case ExitButtonCredential exit:
                payload = payload with { Input = exit.InputId };
                break;
        }
        return new JournalDraft(LaneFor(decision), decision.IsRepeat ? SuppressedType : DecisionType, decision.At, JsonSerializer.Serialize(payload, Json));
    }

    public static JournalDraft DoorOutcomeDraft(DoorRequest command, DoorCommandOutcome outcome, TimeSpan took, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(outcome);
        var payload = new DoorOutcomePayload
        {
            Schema = SchemaVersion,
            Door = command.DoorName,
            Command = command.Kind,
            DurationMilliseconds = (long)command.Duration.TotalMilliseconds,
            DecisionSeq = command.DecisionSeq,
            AttemptId = command.AttemptId,
            Outcome = OutcomeName(outcome),
            Detail = outcome.Describe(),
            TookMilliseconds = (long)took.TotalMilliseconds,
        };
        return outcome.IsDone
            ? new JournalDraft(JournalLane.Event, DoorOutcomeType, at, JsonSerializer.Serialize(payload, Json))
            : new JournalDraft(JournalLane.Alert, DoorFaultType, at, JsonSerializer.Serialize(payload, Json));
    }

    /// <summary>
    /// A door contact alarm raised (alert lane) or cleared when the door closed again (event lane):
    /// <c>alarm</c> is <c>forced_open</c> or <c>held_open</c>, <c>state</c> <c>raised</c> or <c>cleared</c>.
    /// </summary>
    public static JournalDraft DoorAlarmDraft(string doorName, DoorInputEvent change)
    {
        ArgumentNullException.ThrowIfNull(doorName);
        var payload = change switch
        {
            DoorInputEvent.AlarmRaised raised => new DoorAlarmPayload
            {
                Schema = SchemaVersion,
                Door = doorName,
                Alarm = AlarmName(raised.Kind),
                State = "raised",
                OpenedAt = raised.OpenedAt,
                OpenForMilliseconds = (long)(raised.At - raised.OpenedAt).TotalMilliseconds,
            },
            DoorInputEvent.AlarmCleared cleared => new DoorAlarmPayload
            {
                Schema = SchemaVersion,
                Door = doorName,
                Alarm = AlarmName(cleared.Kind),
                State = "cleared",
                OpenedAt = cleared.At - cleared.OpenFor,
                OpenForMilliseconds = (long)cleared.OpenFor.TotalMilliseconds,
            },
            _ => throw new ArgumentException($"{change?.GetType().Name ?? "null"} is not a door alarm change", nameof(change)),
        };
        var lane = change is DoorInputEvent.AlarmRaised ? JournalLane.Alert : JournalLane.Event;
        return new JournalDraft(lane, DoorAlarmType, change.At, JsonSerializer.Serialize(payload, Json));
    }

    /// <summary>The alarm's journal name: forced_open or held_open.</summary>
    public static string AlarmName(DoorAlarmKind kind) => kind switch
    {
        DoorAlarmKind.ForcedOpen => "forced_open",
        DoorAlarmKind.HeldOpen => "held_open",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown door alarm"),
    };

    /// <summary>The outcome's journal name: done, no_response, rejected, transport_error, not_supported.</summary>
    public static string OutcomeName(DoorCommandOutcome outcome) => outcome switch
    {
        DoorCommandOutcome.Done => "done",
        DoorCommandOutcome.NoResponse => "no_response",
        DoorCommandOutcome.Rejected => "rejected",
        DoorCommandOutcome.TransportError => "transport_error",
        DoorCommandOutcome.NotSupported => "not_supported",
        _ => "unknown",
    };

    private static string[]? AlertNames(AccessAlerts alerts)
    {
        if (alerts == AccessAlerts.None)
        {
            return null;
        }
        var names = new List<string>();
        if (alerts.HasFlag(AccessAlerts.WatchList))
        {
            names.Add("watch_list");
        }
        if (alerts.HasFlag(AccessAlerts.SpoofAttempt))
        {
            names.Add("spoof_attempt");
        }
        if (alerts.HasFlag(AccessAlerts.PassbackViolation))
        {
            names.Add("passback_violation");
        }
        return names.ToArray();
    }

    private sealed record DecisionPayload
    {
        public int Schema { get; init; }
        public Guid AttemptId { get; init; }
        public required string Door { get; init; }
        public AccessAttemptSource Source { get; init; }
        public CredentialKind Credential { get; init; }
        public AccessOutcome Outcome { get; init; }
        public required string Reason { get; init; }
        public string[]? Alerts { get; init; }
        public required string Message { get; init; }
        public string? PersonId { get; init; }
        public string? CardUid { get; init; }
        public PassageDirection? Direction { get; init; }
        public long? TrackId { get; init; }
        public string? Camera { get; init; }
        public double? Similarity { get; init; }
        public double? Liveness { get; init; }
        public bool? LivenessPassed { get; init; }
        public PresentationPayload? Presentation { get; init; }
        public string? Reader { get; init; }
        public string? Operator { get; init; }
        public string? RemoteReason { get; init; }
        public string? Input { get; init; }
        public string? RepeatOf { get; init; }
    }

    /// <summary>The liveness evidence of a face decision (docs/protocol.md, docs/presentation-attacks.md).</summary>
    private sealed record PresentationPayload
    {
        public PresentationVerdict Verdict { get; init; }
        public string? Reason { get; init; }
        public double LivenessModel { get; init; }
        public double Check { get; init; }
        public int FramesPassed { get; init; }
        public int Frames { get; init; }
        public MotionEvidence Motion { get; init; }
        public double? MotionParallaxShare { get; init; }
        public bool Blink { get; init; }
        public bool BlinkRequired { get; init; }
        public InfraredEvidence Infrared { get; init; }
        public int InfraredConfirmed { get; init; }
        public int InfraredMissing { get; init; }

        public static PresentationPayload From(PresentationEvidence evidence) => new()
        {
            Verdict = evidence.Verdict,
            Reason = evidence.AttackReason,
            LivenessModel = Math.Round(evidence.LivenessScore, 4),
            Check = Math.Round(evidence.CheckScore, 4),
            FramesPassed = evidence.FramesPassed,
            Frames = evidence.Frames,
            Motion = evidence.Motion,
            MotionParallaxShare = evidence.MotionParallaxShare is { } share ? Math.Round(share, 3) : null,
            Blink = evidence.BlinkSeen,
            BlinkRequired = evidence.BlinkRequired,
            Infrared = evidence.Infrared,
            InfraredConfirmed = evidence.InfraredConfirmedFrames,
            InfraredMissing = evidence.InfraredMissingFrames,
        };
    }

    private sealed record DoorAlarmPayload
    {
        public int Schema { get; init; }
        public required string Door { get; init; }
        public required string Alarm { get; init; }
        public required string State { get; init; }
        public DateTimeOffset OpenedAt { get; init; }
        public long OpenForMilliseconds { get; init; }
    }

    private sealed record DoorOutcomePayload
    {
        public int Schema { get; init; }
        public required string Door { get; init; }
        public DoorRequestKind Command { get; init; }
        public long DurationMilliseconds { get; init; }
        public long? DecisionSeq { get; init; }
        public Guid? AttemptId { get; init; }
        public required string Outcome { get; init; }
        public required string Detail { get; init; }
        public long TookMilliseconds { get; init; }
    }
}
