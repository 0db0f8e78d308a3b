using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EdgeGate.Core.Persons;
using EdgeGate.Storage.Persons;
using Xunit.Abstractions;

namespace EdgeGate.Storage.Tests;

/// <summary>
/// A writer process killed with SIGKILL in the middle of its writes leaves a database that opens, is
/// intact, and holds every write the writer reported as committed.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    // Far more than can finish before the kill: on a fast disk a thousand appends take well under a second.
    private const int Writes = 100_000;
    private const int KillAfter = 300;

    [Fact]
    public async Task Sigkill_during_enrolments_loses_no_reported_enrolment()
    {
        await using var test = TestDatabase.Create();
        var reported = await RunAndKillAsync("enrol", test);

        var database = test.Open();
        Assert.Empty(await database.CheckIntegrityAsync());
        var persons = await database.Persons.ListAsync(new PersonQuery { Limit = 10_000 });
        var stored = persons.Select(person => person.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var personId in reported)
        {
            Assert.Contains(personId, stored);
        }
        // at most the one enrolment that committed but was not yet printed
        Assert.InRange(stored.Count, reported.Count, reported.Count + 1);
        var gallery = await database.Templates.LoadGalleryAsync("crash-model");
        Assert.Equal(stored.Count, gallery.Entries.Count);
        foreach (var entry in gallery.Entries)
        {
            var index = int.Parse(entry.Person.Id["crash-".Length..], CultureInfo.InvariantCulture);
            Assert.Equal(ExpectedEmbedding(index), Assert.Single(entry.Templates).Embedding);
            Assert.Equal(PersonStatus.Active, entry.Person.Status);
        }
        // and the database keeps working: the next enrolment gets the next version
        var next = await database.Persons.EnrolAsync(Samples.Person("after-crash"), [Samples.Template("after-crash", 1)]);
        Assert.Equal(stored.Count + 1, next.Person!.Version);
    }

    [Fact]
    public async Task Sigkill_during_journal_appends_loses_no_reported_event_and_leaves_no_gap()
    {
        await using var test = TestDatabase.Create();
        var reported = (await RunAndKillAsync("journal", test)).Select(seq => long.Parse(seq, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(1, reported.Count).Select(seq => (long)seq), reported);

        var database = test.Open();
        Assert.Empty(await database.CheckIntegrityAsync());
        var entries = await database.Journal.ReadFromAsync(0, 10_000);
        Assert.InRange(entries.Count, reported.Count, reported.Count + 1);
        Assert.Equal(Enumerable.Range(1, entries.Count).Select(seq => (long)seq), entries.Select(entry => entry.Seq));
        foreach (var entry in entries)
        {
            using var payload = JsonDocument.Parse(entry.PayloadJson);
            Assert.Equal(entry.Seq - 1, payload.RootElement.GetProperty("index").GetInt64());
        }
        var next = await database.Journal.AppendAsync(new Journal.JournalDraft(Journal.JournalLane.Event, "after_crash", test.Time.GetUtcNow(), "{}"));
        Assert.Equal(entries.Count + 1, next);
    }

    /// <summary>Runs the crash writer, SIGKILLs it after <see cref="KillAfter"/> reported writes, returns them all.</summary>
    private async Task<List<string>> RunAndKillAsync(string mode, TestDatabase test)
    {
        var writerPath = Path.Combine(AppContext.BaseDirectory, "EdgeGate.Storage.CrashWriter.dll");
        Assert.True(File.Exists(writerPath), $"the crash writer was not built next to the tests: {writerPath}");

        var reported = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<string>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { writerPath, mode, test.DatabasePath, test.CredentialsDirectory, Writes.ToString(CultureInfo.InvariantCulture) })
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } text && text.StartsWith("OK ", StringComparison.Ordinal))
            {
                reported.Enqueue(text[3..]);
                if (reported.Count >= KillAfter)
                {
                    enough.TrySetResult();
                }
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is { } text)
            {
                errors.Enqueue(text);
            }
        };
        var started = Stopwatch.StartNew();
        Assert.True(process.Start());
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Eventually.UntilAsync(
                () => enough.Task.IsCompleted || process.HasExited,
                TimeSpan.FromSeconds(45),
                $"the writer to report {KillAfter} writes",
                () => string.Join('\n', errors));
            Assert.True(enough.Task.IsCompleted && !process.HasExited,
                $"the writer did not report {KillAfter} writes in time (exited: {process.HasExited}):\n{string.Join('\n', errors)}");
            process.Kill(); // SIGKILL on Unix: no finalisers, no disposal, no checkpoint
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
            using var exitTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(exitTimeout.Token); // also drains the redirected output
        }
        var all = reported.ToList();
        output.WriteLine($"{mode}: killed after {all.Count} reported writes, {started.Elapsed.TotalSeconds:F1} s; exit code {process.ExitCode}");
        Assert.True(all.Count < Writes, "the writer finished before it was killed: nothing was interrupted");
        Assert.Equal(137, process.ExitCode); // 128 + SIGKILL
        return all;
    }

    /// <summary>Same generator as the crash writer's.</summary>
    private static float[] ExpectedEmbedding(int index)
    {
        var random = new Random(index);
        var embedding = new float[512];
        for (var position = 0; position < embedding.Length; position++)
        {
            embedding[position] = (float)(random.NextDouble() * 2 - 1);
        }
        return embedding;
    }

    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }
        if (Environment.ProcessPath is { } processPath && Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            return processPath;
        }
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root && File.Exists(Path.Combine(root, "dotnet")))
        {
            return Path.Combine(root, "dotnet");
        }
        return "dotnet";
    }
}
