using System.Collections.Concurrent;
using EdgeGate.Evaluation.Benchmarks;
using EdgeGate.Gallery;

namespace EdgeGate.Vision.Tests.Gallery;

public sealed class FaceGalleryConcurrencyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Concurrent_searches_during_updates_never_throw_or_answer_wrongly(int searchThreads)
    {
        const int dimension = 128;
        var data = new SyntheticEmbeddings(dimension, seed: 20 + searchThreads);
        using var gallery = new FaceGallery(new FaceGalleryOptions
        {
            Dimension = dimension,
            MaximumRowsPerChunk = 64,
            SearchThreads = searchThreads,
            MinimumRowsForParallelSearch = 0,
            Thresholds = new MatchThresholds(0.6f, 0.1f),
        });

        // Stable persons are never touched by the writer; each must always be found with the same similarity.
        var centres = new float[150][];
        var expected = new float[centres.Length];
        for (var p = 0; p < centres.Length; p++)
        {
            centres[p] = data.NextUnit();
            gallery.AddTemplate(p * 2, $"stable{p}", data.NextNear(centres[p], 0.3f));
            gallery.AddTemplate(p * 2 + 1, $"stable{p}", data.NextNear(centres[p], 0.3f));
        }

        for (var p = 0; p < centres.Length; p++)
        {
            expected[p] = gallery.Search(centres[p]).BestSimilarity;
        }

        var flapping = data.NextUnit();
        gallery.AddTemplate(10_000, "flapping", flapping);

        var failures = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var searches = 0L;
        var updates = 0L;

        // Dedicated threads: on two cores the readers' parallel searches would otherwise keep the
        // thread pool busy and the writer could wait for a pool thread the whole run.
        var writer = Task.Factory.StartNew(() =>
        {
            var writerData = new SyntheticEmbeddings(dimension, seed: 99);
            var churn = new List<long>();
            long nextId = 1_000_000;
            while (!stop.IsCancellationRequested)
            {
                var action = writerData.NextInt(10);
                if (action < 5 || churn.Count == 0)
                {
                    var id = nextId++;
                    gallery.AddTemplate(id, $"churn{writerData.NextInt(500)}", writerData.NextUnit());
                    churn.Add(id);
                }
                else if (action < 8)
                {
                    var index = writerData.NextInt(churn.Count);
                    gallery.RemoveTemplate(churn[index]);
                    churn[index] = churn[^1];
                    churn.RemoveAt(churn.Count - 1);
                }
                else if (action < 9)
                {
                    gallery.RemovePerson($"churn{writerData.NextInt(500)}");
                    churn.RemoveAll(id => !gallery.ContainsTemplate(id));
                }
                else
                {
                    gallery.SetPersonEligibility("flapping", writerData.NextInt(2) == 0);
                }

                Interlocked.Increment(ref updates);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var readers = Enumerable.Range(0, 2).Select(reader => Task.Factory.StartNew(() =>
        {
            var readerData = new SyntheticEmbeddings(dimension, seed: 200 + reader);
            while (!stop.IsCancellationRequested)
            {
                var p = readerData.NextInt(centres.Length);
                var match = gallery.Match(centres[p]);
                if (match.PersonId != $"stable{p}" || Math.Abs(match.Similarity - expected[p]) > 1e-5f)
                {
                    failures.Enqueue($"stable{p}: {match}");
                }

                var flap = gallery.Search(flapping);
                if (flap.BestPersonId != "flapping" && flap.BestSimilarity > 0.5f)
                {
                    failures.Enqueue($"flapping probe found someone else that similar: {flap}");
                }

                Interlocked.Increment(ref searches);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        var all = Task.WhenAll(readers.Append(writer));
        await all.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(failures);
        Assert.True(searches > 100, $"only {searches} searches ran");
        Assert.True(updates > 100, $"only {updates} updates ran");
    }
}
