using EdgeGate.Vision.Inference;
using EdgeGate.Vision.Models;
using Microsoft.ML.OnnxRuntime;

namespace EdgeGate.Vision.Tests.Inference;

public sealed class RunBehaviourTests
{
    private static readonly TimeSpan ThreadTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void Steady_state_runs_with_a_binding_allocate_nothing()
    {
        using var session = new InferenceOptions().CreateSession(ReferenceData.Catalog.GetModelPath(ModelNames.Detect));
        using var binding = session.CreateBinding();
        ReferenceData.Fill(binding.Input("input").Span);
        for (var warmUp = 0; warmUp < 5; warmUp++)
        {
            binding.Run();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var run = 0; run < 100; run++)
        {
            binding.Run();
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        var difference = ReferenceData.MaxAbsoluteDifference(binding.Output("scores").Span, ReferenceData.ReadOutput("fr_detect", "scores"));
        Assert.True(difference <= ReferenceData.Tolerance, $"max abs difference {difference}");
    }

    [Fact]
    public void Two_threads_running_one_session_with_their_own_bindings_match_a_single_thread_run()
    {
        using var session = new InferenceOptions().CreateSession(ReferenceData.Catalog.GetModelPath(ModelNames.Embedding));
        using var single = session.CreateBinding();
        ReferenceData.Fill(single.Input("input").Span);
        single.Run();
        var expected = single.Output("output").Span.ToArray();

        const int RunsPerThread = 15;
        var results = new List<float[]>[2];
        var failures = new Exception?[2];
        var threads = new Thread[2];
        using var start = new Barrier(2);
        for (var index = 0; index < threads.Length; index++)
        {
            var slot = index;
            results[slot] = [];
            threads[slot] = new Thread(() =>
            {
                try
                {
                    using var binding = session.CreateBinding();
                    ReferenceData.Fill(binding.Input("input").Span);
                    if (!start.SignalAndWait(ThreadTimeout))
                    {
                        throw new TimeoutException("the other thread did not start");
                    }
                    for (var run = 0; run < RunsPerThread; run++)
                    {
                        binding.Output("output").Span.Clear();
                        binding.Run();
                        results[slot].Add(binding.Output("output").Span.ToArray());
                    }
                }
                catch (Exception exception)
                {
                    failures[slot] = exception;
                }
            })
            { IsBackground = true };
            threads[slot].Start();
        }
        foreach (var thread in threads)
        {
            Assert.True(thread.Join(ThreadTimeout), "a run thread did not finish in time");
        }

        Assert.Null(failures[0]);
        Assert.Null(failures[1]);
        foreach (var output in results.SelectMany(list => list))
        {
            Assert.Equal(expected, output);
        }
        Assert.Equal(2 * RunsPerThread, results.Sum(list => list.Count));
        var difference = ReferenceData.MaxAbsoluteDifference(expected, ReferenceData.ReadOutput("fr_feature", "output"));
        Assert.True(difference <= ReferenceData.Tolerance, $"max abs difference {difference}");
    }

    [Fact]
    public void One_binding_refuses_a_second_concurrent_run()
    {
        using var session = new InferenceOptions().CreateSession(ReferenceData.Catalog.GetModelPath(ModelNames.Embedding));
        using var binding = session.CreateBinding();
        var refused = 0;
        var unexpected = new Exception?[2];
        var threads = new Thread[2];
        for (var index = 0; index < threads.Length; index++)
        {
            var slot = index;
            threads[slot] = new Thread(() =>
            {
                for (var run = 0; run < 20; run++)
                {
                    try
                    {
                        binding.Run();
                    }
                    catch (InvalidOperationException)
                    {
                        Interlocked.Increment(ref refused);
                    }
                    catch (Exception exception)
                    {
                        unexpected[slot] = exception;
                        return;
                    }
                }
            })
            { IsBackground = true };
        }
        foreach (var thread in threads)
        {
            thread.Start();
        }
        foreach (var thread in threads)
        {
            Assert.True(thread.Join(ThreadTimeout), "a run thread did not finish in time");
        }

        Assert.Null(unexpected[0]);
        Assert.Null(unexpected[1]);
        Assert.True(refused > 0, "two threads sharing one binding were never told it was busy");
    }

    [Fact]
    public void An_already_cancelled_token_throws_before_running()
    {
        using var session = new InferenceOptions().CreateSession(ReferenceData.Catalog.GetModelPath(ModelNames.Landmarks));
        using var binding = session.CreateBinding();
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => binding.Run(cancellation.Token));
        binding.Run();
    }

    [Fact]
    public void Cancelling_during_a_run_terminates_it_in_ORT_and_the_binding_runs_again_afterwards()
    {
        using var session = new InferenceOptions().CreateSession(ReferenceData.Catalog.GetModelPath(ModelNames.Embedding));
        using var binding = session.CreateBinding();
        ReferenceData.Fill(binding.Input("input").Span);
        binding.Run();
        var expected = binding.Output("output").Span.ToArray();

        OperationCanceledException? terminatedByOrt = null;
        for (var attempt = 0; attempt < 40 && terminatedByOrt is null; attempt++)
        {
            // A run takes a few milliseconds on an idle box, less than a timer's resolution: another
            // thread spins for a fraction of a millisecond after the run begins, then cancels.
            using var cancellation = new CancellationTokenSource();
            using var starting = new ManualResetEventSlim();
            var delay = TimeSpan.FromMilliseconds(0.25 + (attempt % 8 * 0.25));
            var canceller = new Thread(() =>
            {
                starting.Wait();
                var spin = System.Diagnostics.Stopwatch.StartNew();
                while (spin.Elapsed < delay)
                {
                    Thread.SpinWait(20);
                }
                cancellation.Cancel();
            });
            canceller.Start();
            try
            {
                starting.Set();
                binding.Run(cancellation.Token);
            }
            catch (OperationCanceledException exception) when (exception.InnerException is OnnxRuntimeException)
            {
                terminatedByOrt = exception;
            }
            catch (OperationCanceledException)
            {
                // The cancellation came before the run began.
            }
            finally
            {
                canceller.Join();
            }
        }

        Assert.NotNull(terminatedByOrt);
        Assert.Contains("terminate", ((OnnxRuntimeException)terminatedByOrt.InnerException!).Message, StringComparison.OrdinalIgnoreCase);

        binding.Output("output").Span.Clear();
        using (var live = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            binding.Run(live.Token);
        }
        Assert.Equal(expected, binding.Output("output").Span.ToArray());
    }
}
