using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Serverless.Runtime.Dotnet.Invocation;
using Serverless.Runtime.Dotnet.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Invocation;

public sealed class InvocationPipelineTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task InvokeAsync_HandlerSucceeds_PassesItsStatusThroughAndCountsIt()
    {
        var test = new TestPipeline(context =>
        {
            context.Response.StatusCode = StatusCodes.Status201Created;
            return context.Response.WriteAsync("made");
        });
        var context = TestPipeline.NewContext("POST");

        await test.Pipeline.InvokeAsync(context);

        Assert.Equal(201, context.Response.StatusCode);
        Assert.Equal("made", TestPipeline.ResponseText(context));
        Assert.Equal(0, test.Limiter.InFlight);
        var samples = await test.ScrapeAsync();
        Assert.Equal(1, samples.Value("serverless_runtime_requests_total", ("code", "201")));
        Assert.Equal(1, samples.Value("serverless_runtime_request_duration_seconds_count"));
    }

    [Fact]
    public async Task InvokeAsync_HandlerThrows_Answers500ProblemWithoutStackTraceAndLogsError()
    {
        var test = new TestPipeline(async _ =>
        {
            await Task.Yield();
            throw new InvalidOperationException("boom");
        });
        var context = TestPipeline.NewContext();

        await test.Pipeline.InvokeAsync(context);

        Assert.Equal(500, context.Response.StatusCode);
        Assert.Equal(ProblemResponse.ContentType, context.Response.ContentType);
        var problem = TestPipeline.ResponseJson(context);
        Assert.Equal("Internal Server Error", problem.GetProperty("title").GetString());
        Assert.Equal(500, problem.GetProperty("status").GetInt32());
        Assert.Equal(ProblemResponse.HandlerFailedDetail, problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("boom", TestPipeline.ResponseText(context), StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", TestPipeline.ResponseText(context), StringComparison.Ordinal);
        var logged = Assert.Single(test.Logger.Entries, e => e.Level == LogLevel.Error);
        Assert.IsType<InvalidOperationException>(logged.Exception);
        Assert.Contains(problem.GetProperty("instance").GetString()!, logged.Message, StringComparison.Ordinal);
        Assert.Equal(0, test.Limiter.InFlight);
        Assert.Equal(1, (await test.ScrapeAsync()).Value("serverless_runtime_requests_total", ("code", "500")));
    }

    [Fact]
    public async Task InvokeAsync_HandlerThrowsSynchronously_Answers500()
    {
        var test = new TestPipeline(_ => throw new ArgumentException("sync"));
        var context = TestPipeline.NewContext();

        await test.Pipeline.InvokeAsync(context);

        Assert.Equal(500, context.Response.StatusCode);
        Assert.Equal(ProblemResponse.HandlerFailedDetail, TestPipeline.ResponseJson(context).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task InvokeAsync_HandlerSetHeadersThenThrew_ProblemDropsThem()
    {
        var test = new TestPipeline(context =>
        {
            context.Response.Headers["X-Partial"] = "yes";
            throw new InvalidOperationException("half way");
        });
        var context = TestPipeline.NewContext();

        await test.Pipeline.InvokeAsync(context);

        Assert.Equal(500, context.Response.StatusCode);
        Assert.False(context.Response.Headers.ContainsKey("X-Partial"));
    }

    [Fact]
    public async Task InvokeAsync_ContentLengthOverLimit_Answers413WithoutCallingTheHandler()
    {
        var called = false;
        var test = new TestPipeline(_ =>
        {
            called = true;
            return Task.CompletedTask;
        });
        var context = TestPipeline.NewContext("POST");
        context.Request.ContentLength = TestPipeline.MaxBody + 1;

        await test.Pipeline.InvokeAsync(context);

        Assert.False(called);
        Assert.Equal(413, context.Response.StatusCode);
        Assert.Contains("1025 bytes", TestPipeline.ResponseJson(context).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("close", context.Response.Headers.Connection.ToString());
        Assert.Equal(1, (await test.ScrapeAsync()).Value("serverless_runtime_requests_total", ("code", "413")));
    }

    [Fact]
    public async Task InvokeAsync_ContentLengthAtLimit_CallsTheHandler()
    {
        var test = new TestPipeline(_ => Task.CompletedTask);
        var context = TestPipeline.NewContext("POST");
        context.Request.ContentLength = TestPipeline.MaxBody;

        await test.Pipeline.InvokeAsync(context);

        Assert.Equal(200, context.Response.StatusCode);
    }

    [Fact]
    public async Task InvokeAsync_AtConcurrencyLimit_Answers429WithRetryAfterAtOnce()
    {
        var called = false;
        var test = new TestPipeline(
            _ =>
            {
                called = true;
                return Task.CompletedTask;
            },
            concurrency: 1);
        Assert.True(test.Limiter.TryAcquire());
        var context = TestPipeline.NewContext();

        await test.Pipeline.InvokeAsync(context);

        Assert.False(called);
        Assert.Equal(429, context.Response.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
        Assert.Equal("concurrency", context.Response.Headers["X-Serverless-Rejected"].ToString());
        Assert.Equal(ProblemResponse.ContentType, context.Response.ContentType);
        Assert.Equal(1, test.Limiter.InFlight);
        Assert.Equal(1, (await test.ScrapeAsync()).Value("serverless_runtime_requests_total", ("code", "429")));
    }

    [Fact]
    public async Task InvokeAsync_HandlerPastTimeout_CancelsItsTokenAndAnswers504()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sawCancellation = false;
        var test = new TestPipeline(async context =>
        {
            entered.SetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                sawCancellation = true;
                throw;
            }
        });
        var context = TestPipeline.NewContext();

        var invocation = test.Pipeline.InvokeAsync(context);
        await entered.Task.WaitAsync(Bound);
        Assert.Equal(1, test.Limiter.InFlight);
        test.Time.Advance(TestPipeline.Timeout);
        await invocation.WaitAsync(Bound);

        Assert.True(sawCancellation);
        Assert.Equal(504, context.Response.StatusCode);
        Assert.Equal("The function did not answer within its timeout of 10 s.", TestPipeline.ResponseJson(context).GetProperty("detail").GetString());
        Assert.False(context.Response.Headers.ContainsKey("Connection"));
        Assert.Equal(0, test.Limiter.InFlight);
        var samples = await test.ScrapeAsync();
        Assert.Equal(1, samples.Value("serverless_runtime_requests_total", ("code", "504")));
        Assert.Equal(0, samples.Value("serverless_runtime_in_flight"));
    }

    [Fact]
    public async Task InvokeAsync_HandlerJustUnderTimeout_IsNotCancelled()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var test = new TestPipeline(async context =>
        {
            entered.SetResult();
            await release.Task;
            await context.Response.WriteAsync("in time");
        });
        var context = TestPipeline.NewContext();

        var invocation = test.Pipeline.InvokeAsync(context);
        await entered.Task.WaitAsync(Bound);
        test.Time.Advance(TestPipeline.Timeout - TimeSpan.FromTicks(1));
        release.SetResult();
        await invocation.WaitAsync(Bound);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("in time", TestPipeline.ResponseText(context));
    }

    [Fact]
    public async Task InvokeAsync_HandlerIgnoresCancellation_Answers504AfterGraceClosesConnectionAndLogsLateFailure()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stubborn = new TaskCompletionSource();
        var test = new TestPipeline(_ =>
        {
            entered.SetResult();
            return stubborn.Task;
        });
        var context = TestPipeline.NewContext();

        var invocation = test.Pipeline.InvokeAsync(context);
        await entered.Task.WaitAsync(Bound);
        test.Time.Advance(TestPipeline.Timeout);
        await test.Time.WaitForActiveTimersAsync(1, Bound);
        Assert.False(invocation.IsCompleted);
        test.Time.Advance(TestPipeline.UnwindGrace);
        await invocation.WaitAsync(Bound);

        Assert.Equal(504, context.Response.StatusCode);
        Assert.Equal("close", context.Response.Headers.Connection.ToString());
        Assert.Equal(0, test.Limiter.InFlight);
        Assert.Contains(test.Logger.Entries, e => e.EventId == 3);

        stubborn.SetException(new InvalidOperationException("late"));
        var late = Assert.Single(test.Logger.Entries, e => e.EventId == 4);
        Assert.Equal("late", late.Exception?.Message);
    }

    [Fact]
    public async Task InvokeAsync_CallerAborts_Counts499AndWritesNothing()
    {
        using var caller = new CancellationTokenSource();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var test = new TestPipeline(async context =>
        {
            entered.SetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        var context = TestPipeline.NewContext();
        context.RequestAborted = caller.Token;

        var invocation = test.Pipeline.InvokeAsync(context);
        await entered.Task.WaitAsync(Bound);
        await caller.CancelAsync();
        await invocation.WaitAsync(Bound);

        Assert.Equal(string.Empty, TestPipeline.ResponseText(context));
        Assert.Equal(0, test.Limiter.InFlight);
        Assert.Equal(1, (await test.ScrapeAsync()).Value("serverless_runtime_requests_total", ("code", "499")));
    }

    [Fact]
    public async Task InvokeAsync_ServerRejectsTheBody_AnswersTheServersStatus()
    {
        var test = new TestPipeline(_ => throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge));
        var context = TestPipeline.NewContext("POST");

        await test.Pipeline.InvokeAsync(context);

        Assert.Equal(413, context.Response.StatusCode);
        Assert.Equal("Request body too large.", TestPipeline.ResponseJson(context).GetProperty("detail").GetString());
        Assert.Equal("close", context.Response.Headers.Connection.ToString());
        Assert.DoesNotContain(test.Logger.Entries, e => e.Level >= LogLevel.Error);
    }
}
