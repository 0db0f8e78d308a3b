using Microsoft.Extensions.Time.Testing;
using Polly.Retry;
using Polly.Testing;

namespace EdgeGate.Core.Tests;

public sealed class RetryPipelineTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);

    [Fact]
    public void Retries_for_as_long_as_it_takes_with_the_pacing_as_the_only_delay()
    {
        var pipeline = RetryPipeline.Create<int>(RetryPacing.Doubling(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8)), new FakeTimeProvider(Start), _ => true);

        var strategy = Assert.Single(pipeline.GetPipelineDescriptor().Strategies);
        var options = Assert.IsType<RetryStrategyOptions<int>>(strategy.Options);
        Assert.Equal(int.MaxValue, options.MaxRetryAttempts);
        Assert.NotNull(options.DelayGenerator);
    }

    [Fact]
    public async Task Transient_failures_are_retried_on_the_host_clock_doubling_up_to_the_cap()
    {
        var time = new FakeTimeProvider(Start);
        var waits = new List<TimeSpan>();
        var attempts = 0;
        var pipeline = RetryPipeline.Create<int>(
            RetryPacing.Doubling(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8)),
            time,
            outcome => outcome.Exception is IOException,
            onRetry: arguments =>
            {
                Assert.IsType<IOException>(arguments.Outcome.Exception);
                waits.Add(arguments.RetryDelay);
                return default;
            },
            random: () => 0);

        var run = pipeline.ExecuteAsync(_ => ++attempts < 7 ? throw new IOException("no such device") : ValueTask.FromResult(attempts), CancellationToken.None).AsTask();
        Assert.False(run.IsCompleted);
        var result = await RunOnFakeClockAsync(run, time);

        Assert.Equal(7, result);
        // random 0 is the full wait: 1, 2, 4, 8 s, then the cap.
        Assert.Equal([1, 2, 4, 8, 8, 8], waits.Select(wait => wait.TotalSeconds));
        // The waits were taken on the fake clock: the run lasted their sum (give or take the test's steps).
        Assert.InRange(time.GetUtcNow() - Start, TimeSpan.FromSeconds(31), TimeSpan.FromSeconds(31) + (Step * waits.Count));
    }

    [Fact]
    public async Task Jitter_keeps_every_wait_between_half_and_all_of_the_capped_doubling()
    {
        var time = new FakeTimeProvider(Start);
        var pacing = RetryPacing.Doubling(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4));
        var waits = new List<(int Attempt, TimeSpan Wait)>();
        var random = new Random(11);
        var pipeline = RetryPipeline.Create<bool>(
            pacing,
            time,
            outcome => outcome.Result is false,
            onRetry: arguments =>
            {
                waits.Add((arguments.AttemptNumber, arguments.RetryDelay));
                return default;
            },
            random: random.NextDouble);

        var attempts = 0;
        await RunOnFakeClockAsync(pipeline.ExecuteAsync(_ => ValueTask.FromResult(++attempts > 40), CancellationToken.None).AsTask(), time);

        Assert.Equal(40, waits.Count);
        Assert.All(waits, retry =>
        {
            var longest = pacing.Longest(retry.Attempt + 1, TimeSpan.Zero);
            Assert.InRange(retry.Wait, longest / 2, longest);
        });
        // Capped, and spread rather than all the same: the capped waits take many different values.
        Assert.All(waits, retry => Assert.True(retry.Wait <= TimeSpan.FromSeconds(4)));
        Assert.True(waits.Skip(3).Select(retry => retry.Wait).Distinct().Count() > 30, "the capped waits are not jittered");
    }

    [Fact]
    public async Task Outages_count_from_the_first_failure_for_the_early_phase()
    {
        var time = new FakeTimeProvider(Start);
        var waits = new List<(TimeSpan Outage, TimeSpan Wait)>();
        DateTimeOffset? firstFailure = null;
        var pipeline = RetryPipeline.Create<bool>(
            RetryPacing.Broker,
            time,
            outcome => outcome.Result is false,
            onRetry: arguments =>
            {
                firstFailure ??= time.GetUtcNow();
                waits.Add((time.GetUtcNow() - firstFailure.Value, arguments.RetryDelay));
                return default;
            },
            random: () => 0);

        // Fails for two and a half minutes of fake time.
        await RunOnFakeClockAsync(pipeline.ExecuteAsync(_ => ValueTask.FromResult(time.GetUtcNow() - Start > TimeSpan.FromMinutes(2.5)), CancellationToken.None).AsTask(), time);

        // Quick while the outage is young (a restarted broker is found within 2 s), 30 s apart only once it lasted 90 s.
        Assert.Equal([0.25, 0.5, 1, 1.5], waits.Take(4).Select(retry => retry.Wait.TotalSeconds));
        Assert.All(waits.Where(retry => retry.Outage < TimeSpan.FromMinutes(1)), retry => Assert.True(retry.Wait <= TimeSpan.FromSeconds(1.5)));
        Assert.All(waits.Where(retry => retry.Outage >= TimeSpan.FromSeconds(90)), retry => Assert.Equal(TimeSpan.FromSeconds(30), retry.Wait));
        Assert.Contains(waits, retry => retry.Outage >= TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task Failures_that_are_not_transient_end_the_execution_at_once()
    {
        var retries = 0;
        var pipeline = RetryPipeline.Create<int>(
            RetryPacing.Doubling(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8)),
            new FakeTimeProvider(Start),
            outcome => outcome.Exception is IOException,
            onRetry: _ =>
            {
                retries++;
                return default;
            });

        var error = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => pipeline.ExecuteAsync(Refuse, CancellationToken.None).AsTask());

        Assert.Equal("permission denied", error.Message);
        Assert.Equal(0, retries);

        static ValueTask<int> Refuse(CancellationToken cancellationToken) => throw new UnauthorizedAccessException("permission denied");
    }

    [Fact]
    public async Task Cancelling_during_a_wait_ends_the_execution_without_another_attempt()
    {
        var time = new FakeTimeProvider(Start);
        var attempts = 0;
        var pipeline = RetryPipeline.Create<int>(RetryPacing.Doubling(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8)), time, _ => true);
        using var stop = new CancellationTokenSource();

        var run = pipeline.ExecuteAsync(Fail, stop.Token).AsTask();
        Assert.False(run.IsCompleted);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(1, attempts);

        ValueTask<int> Fail(CancellationToken cancellationToken)
        {
            attempts++;
            throw new IOException("no such device");
        }
    }

    [Fact]
    public void Invalid_pacing_is_refused_when_the_pipeline_is_made()
    {
        var error = Assert.Throws<ArgumentException>(
            () => RetryPipeline.Create<int>(RetryPacing.Doubling(TimeSpan.Zero, TimeSpan.FromSeconds(1)), TimeProvider.System, _ => true));

        Assert.Equal("First", error.ParamName);
    }

    /// <summary>Moves the fake clock in small steps until <paramref name="run"/> ends (waits are armed after each retry is reported).</summary>
    private static async Task<T> RunOnFakeClockAsync<T>(Task<T> run, FakeTimeProvider time)
    {
        var limit = Start + TimeSpan.FromHours(1);
        while (!run.IsCompleted && time.GetUtcNow() < limit)
        {
            time.Advance(Step);
            await Task.Delay(1);
        }
        Assert.True(run.IsCompleted, "the pipeline did not finish within an hour of fake time");
        return await run;
    }
}
