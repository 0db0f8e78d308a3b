using EdgeGate.Core.Access;
using EdgeGate.Core.Persons;
using EdgeGate.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Access;

/// <summary>
/// The decision stage: takes access attempts from <see cref="AccessAttemptQueue"/> one at a time,
/// resolves the person and card from the store, asks <see cref="AccessPolicy"/>, writes the
/// decision to the journal (committed to disk) BEFORE a door is driven, records it in the
/// <see cref="AccessHistory"/>, hands a grant's door command to its <see cref="DoorService"/> and publishes to the
/// <see cref="DecisionFeed"/>. A suppressed repeat (within the cooldown) drives no door and is not
/// recorded in the history; it is journaled as <c>access_suppressed</c> (routine lane) and logged:
/// each card repeat, a face repeat once per track (a face standing in view, seen again and again,
/// is one row).
/// A grant's anti-passback passage is stored in the same transaction as its journal row, and the
/// stored passages are loaded into the history before the first decision, so anti-passback
/// survives a restart.
/// </summary>
/// <remarks>
/// A decision the journal cannot take (disk full, database broken) opens no door: an unrecorded
/// passage is what the journal exists to prevent. The one exception is the exit button, which is
/// egress and a life-safety matter. A failing attempt is logged and the loop goes on.
/// </remarks>
public sealed partial class DecisionService(
    AccessAttemptQueue attempts,
    EdgeGateDatabase database,
    AccessHistory history,
    AccessSettingsSource settings,
    AccessDoors doors,
    DoorServices doorServices,
    DecisionFeed feed,
    TimeProvider timeProvider,
    ILogger<DecisionService> logger,
    StartupWarmUp? warmUp = null) : BackgroundService
{
    /// <summary>Face tracks whose repeat was journaled (the most recent ones; a track lasts seconds).</summary>
    private const int RepeatedTracksKept = 1024;

    private readonly HashSet<(string Door, string Camera, long Track)> repeatedTracks = [];
    private readonly Queue<(string Door, string Camera, long Track)> repeatedTrackOrder = new();
    private readonly SemaphoreSlim restoreGate = new(1, 1);
    private volatile bool passagesRestored;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            if (warmUp is not null)
            {
                await warmUp.RunAsync(StartupWarmUp.Decisions, WarmUpAsync, stoppingToken).ConfigureAwait(false);
            }
            else
            {
                try
                {
                    await WarmUpAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogRestoreFailed(logger, exception);
                }
            }
            await foreach (var attempt in attempts.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await DecideAsync(attempt, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogAttemptFailed(logger, exception, attempt.DoorName, attempt.Source);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    /// <summary>
    /// Before the first attempt: the stored passages are restored, the database is read and written
    /// once (<see cref="EdgeGateDatabase.WarmUpAsync"/>), and a decision is rehearsed on a history of
    /// its own (policy and journal row drafted, nothing recorded), so the first real decision is as
    /// quick as the next.
    /// </summary>
    private async Task<string> WarmUpAsync(CancellationToken cancellationToken)
    {
        await RestorePassagesAsync(cancellationToken).ConfigureAwait(false);
        await database.WarmUpAsync(cancellationToken).ConfigureAwait(false);
        await database.Persons.GetAsync("warm-up", cancellationToken).ConfigureAwait(false);
        if (doors.Names.FirstOrDefault() is { } doorName && doors.TryGet(doorName, out var door, out _))
        {
            var attempt = AccessAttempt.ForFace(new FaceCredential(null, 0, 0, LivenessPassed: true, "warm-up"), doorName, timeProvider.GetUtcNow());
            var decision = AccessPolicy.Decide(
                new AccessRequest { Credential = attempt.Credential, Door = door, At = attempt.At },
                new AccessHistory(),
                settings.Current);
            _ = AccessJournal.DecisionDraft(attempt, decision);
        }
        return "passages restored, database read and written, a decision rehearsed";
    }

    /// <summary>Decides one attempt end to end (journal, history, door, feed); null for an unknown door.</summary>
    public async Task<DecisionMade?> DecideAsync(AccessAttempt attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        if (!doors.TryGet(attempt.DoorName, out var door, out var pulseLength))
        {
            LogUnknownDoor(logger, attempt.DoorName, attempt.Source);
            return null;
        }
        await RestorePassagesAsync(cancellationToken).ConfigureAwait(false);

        Person? person = null;
        Card? card = null;
        switch (attempt.Credential)
        {
            case FaceCredential { PersonId: { } personId }:
                person = await database.Persons.GetAsync(personId, cancellationToken).ConfigureAwait(false);
                break;
            case CardCredential cardCredential:
                card = await database.Cards.GetByUidAsync(cardCredential.Uid, cancellationToken).ConfigureAwait(false);
                if (card is not null)
                {
                    person = await database.Persons.GetAsync(card.PersonId, cancellationToken).ConfigureAwait(false);
                }
                break;
        }

        var decision = AccessPolicy.Decide(
            new AccessRequest { Credential = attempt.Credential, Door = door, At = attempt.At, Person = person, Card = card, Side = attempt.Side },
            history,
            settings.Current);

        if (decision.IsRepeat)
        {
            return await JournalRepeatAsync(attempt, decision, cancellationToken).ConfigureAwait(false);
        }

        long? seq = null;
        string? journalError = null;
        try
        {
            var draft = AccessJournal.DecisionDraft(attempt, decision);
            seq = AccessHistory.PassageOf(decision) is { } passage
                ? await database.Passages.AppendGrantAsync(draft, passage, cancellationToken).ConfigureAwait(false)
                : await database.Journal.AppendAsync(draft, cancellationToken).ConfigureAwait(false);
            history.Record(decision);
        }
        catch (StorageException exception)
        {
            journalError = exception.Message;
            LogJournalFailed(logger, exception, decision.DoorId, decision.ReasonCode);
        }

        // The feed hears of the decision before of its door; the door's release then leaves at once,
        // on this thread, before anything else is done with the decision.
        var made = new DecisionMade(attempt, decision, seq, journalError);
        feed.Publish(made);
        if (decision.Granted && (seq is not null || attempt.Credential is ExitButtonCredential))
        {
            doorServices.For(door.Name).Submit(new DoorRequest(door.Name, DoorRequestKind.Pulse, pulseLength, seq, attempt.Id, timeProvider.GetUtcNow()));
        }
        LogDecision(logger, decision.DoorId, decision.ReasonCode, decision.PersonId ?? "-", attempt.Source, seq ?? 0);
        return made;
    }

    private async Task<DecisionMade> JournalRepeatAsync(AccessAttempt attempt, AccessDecision decision, CancellationToken cancellationToken)
    {
        long? seq = null;
        string? journalError = null;
        var repeatOf = decision.RepeatOf?.ToCode() ?? "-";
        if (!FirstRepeatOfTrack(attempt))
        {
            LogRepeatOfTrack(logger, decision.DoorId, decision.PersonId ?? "-", repeatOf, attempt.TrackId ?? 0);
        }
        else
        {
            try
            {
                seq = await database.Journal.AppendAsync(AccessJournal.DecisionDraft(attempt, decision), cancellationToken).ConfigureAwait(false);
            }
            catch (StorageException exception)
            {
                journalError = exception.Message;
                LogJournalFailed(logger, exception, decision.DoorId, decision.ReasonCode);
            }
            LogRepeat(logger, decision.DoorId, decision.PersonId ?? "-", attempt.Source, repeatOf, seq ?? 0);
        }
        var made = new DecisionMade(attempt, decision, seq, journalError);
        feed.Publish(made);
        return made;
    }

    /// <summary>True unless a repeat of this face track at this door was journaled already.</summary>
    private bool FirstRepeatOfTrack(AccessAttempt attempt)
    {
        if (attempt is not { TrackId: { } track, Credential: FaceCredential face })
        {
            return true;
        }
        var key = (attempt.DoorName, face.CameraId, track);
        lock (repeatedTracks)
        {
            if (!repeatedTracks.Add(key))
            {
                return false;
            }
            repeatedTrackOrder.Enqueue(key);
            if (repeatedTrackOrder.Count > RepeatedTracksKept)
            {
                repeatedTracks.Remove(repeatedTrackOrder.Dequeue());
            }
            return true;
        }
    }

    public override void Dispose()
    {
        restoreGate.Dispose();
        base.Dispose();
    }

    /// <summary>Loads the passages stored before this start into the history, once (a failure is retried with the next attempt).</summary>
    private async Task RestorePassagesAsync(CancellationToken cancellationToken)
    {
        if (passagesRestored)
        {
            return;
        }
        await restoreGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (passagesRestored)
            {
                return;
            }
            var passages = await database.Passages.ListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var passage in passages)
            {
                history.Restore(passage);
            }
            passagesRestored = true;
            LogPassagesRestored(logger, passages.Count);
        }
        finally
        {
            restoreGate.Release();
        }
    }

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Anti-passback: {Count} passage(s) recorded before this start restored")]
    private static partial void LogPassagesRestored(ILogger logger, int count);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Error, Message = "Anti-passback: the passages recorded before this start cannot be read; retrying with the next attempt")]
    private static partial void LogRestoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Door {Door}: repeat within the cooldown for {PersonId} ({Source}) of {RepeatOf}; door not driven again, journal seq {Seq}")]
    private static partial void LogRepeat(ILogger logger, string door, string personId, AccessAttemptSource source, string repeatOf, long seq);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Debug, Message = "Door {Door}: face track {Track} of {PersonId} repeated {RepeatOf} again within the cooldown; journaled once per track")]
    private static partial void LogRepeatOfTrack(ILogger logger, string door, string personId, string repeatOf, long track);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Door {Door}: {Reason} for {PersonId} ({Source}), journal seq {Seq}")]
    private static partial void LogDecision(ILogger logger, string door, string reason, string personId, AccessAttemptSource source, long seq);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Access attempt for unknown door {Door} from {Source} ignored: no door of that name is configured")]
    private static partial void LogUnknownDoor(ILogger logger, string door, AccessAttemptSource source);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Critical, Message = "Door {Door}: decision {Reason} could not be journaled; the door is not driven")]
    private static partial void LogJournalFailed(ILogger logger, Exception exception, string door, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Access attempt at door {Door} from {Source} failed; going on with the next")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception, string door, AccessAttemptSource source);
}
