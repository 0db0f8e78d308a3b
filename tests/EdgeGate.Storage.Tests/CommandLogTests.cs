using EdgeGate.Storage.Commands;

namespace EdgeGate.Storage.Tests;

public sealed class CommandLogTests
{
    [Fact]
    public async Task A_command_is_begun_once_and_its_result_answers_every_redelivery()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        var begun = await test.Db.Commands.TryBeginCommandAsync("cmd-1", "deregister");
        Assert.Equal(CommandBeginStatus.Started, begun.Status);
        Assert.Null(begun.ResultJson);

        test.Time.Advance(TimeSpan.FromSeconds(3));
        var redelivered = await test.Db.Commands.TryBeginCommandAsync("cmd-1", "deregister");
        Assert.Equal(CommandBeginStatus.Incomplete, redelivered.Status);
        Assert.Equal(begun.ReceivedAt, redelivered.ReceivedAt);

        Assert.True(await test.Db.Commands.CompleteAsync("cmd-1", """{"ok":true,"templatesDeleted":2}"""));
        Assert.False(await test.Db.Commands.CompleteAsync("never-begun", "{}"));
        test.Close();
        test.Open();
        var answered = await test.Db.Commands.TryBeginCommandAsync("cmd-1", "deregister");
        Assert.Equal(CommandBeginStatus.Completed, answered.Status);
        Assert.Equal("""{"ok":true,"templatesDeleted":2}""", answered.ResultJson);
        Assert.Equal(CommandBeginStatus.Started, (await test.Db.Commands.TryBeginCommandAsync("cmd-2", "renew_card")).Status);

        test.Time.Advance(TimeSpan.FromDays(30));
        Assert.Equal(1, await test.Db.Commands.PruneAsync(test.Time.GetUtcNow().AddDays(-7)));
        Assert.Equal(CommandBeginStatus.Incomplete, (await test.Db.Commands.TryBeginCommandAsync("cmd-2", "renew_card")).Status);
    }

    [Fact]
    public async Task Sync_cursors_persist()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        Assert.Null(await test.Db.SyncCursors.GetAsync("gallery"));
        await test.Db.SyncCursors.SetAsync("gallery", "41");
        await test.Db.SyncCursors.SetAsync("gallery", "42");
        test.Close();
        test.Open();
        Assert.Equal("42", await test.Db.SyncCursors.GetAsync("gallery"));
    }
}
