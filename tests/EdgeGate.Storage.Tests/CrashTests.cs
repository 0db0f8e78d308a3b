using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeGate.Core.Persons;
using Xunit.Abstractions;

namespace EdgeGate.Storage.Tests;

/// <summary>
/// A writer process killed with SIGKILL in the middle of enrolments leaves a database that opens, is
/// intact, and holds every enrolment the writer reported as committed.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private const int Enrolments = 1000;
    private const int KillAfter = 300;

    [Fact]
    public async Task Sigkill_during_enrolments_loses_no_reported_enrolment()
    {
        await using var test = TestDatabase.Create();
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
        foreach (var argument in new[] { writerPath, test.DatabasePath, test.CredentialsDirectory, Enrolments.ToString(System.Globalization.CultureInfo.InvariantCulture) })
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
            var finished = await Task.WhenAny(enough.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(45)));
            Assert.True(finished == enough.Task,
                $"the writer did not report {KillAfter} enrolments in time (exited: {process.HasExited}):\n{string.Join('\n', errors)}");
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
        var killedAt = reported.Count;
        output.WriteLine($"killed after {killedAt} reported enrolments, {started.Elapsed.TotalSeconds:F1} s; exit code {process.ExitCode}");
        Assert.True(killedAt < Enrolments, "the writer finished before it was killed: nothing was interrupted");
        Assert.NotEqual(0, process.ExitCode);

        var database = test.Open();
        Assert.Empty(await database.CheckIntegrityAsync());
        var persons = await database.Persons.ListAsync(new EdgeGate.Storage.Persons.PersonQuery { Limit = 10_000 });
        var stored = persons.Select(person => person.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var personId in reported)
        {
            Assert.Contains(personId, stored);
        }
        // at most the one enrolment that committed but was not yet printed
        Assert.InRange(stored.Count, killedAt, killedAt + 1);
        var gallery = await database.Templates.LoadGalleryAsync("crash-model");
        Assert.Equal(stored.Count, gallery.Entries.Count);
        foreach (var entry in gallery.Entries)
        {
            var index = int.Parse(entry.Person.Id["crash-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(ExpectedEmbedding(index), Assert.Single(entry.Templates).Embedding);
            Assert.Equal(PersonStatus.Active, entry.Person.Status);
        }
        // and the database keeps working: the next enrolment gets the next version
        var next = await database.Persons.EnrolAsync(Samples.Person("after-crash"), [Samples.Template("after-crash", 1)]);
        Assert.Equal(stored.Count + 1, next.Person!.Version);
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
