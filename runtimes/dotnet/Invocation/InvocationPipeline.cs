using CloudNative.CloudEvents;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Serverless.Eventing.Binding;
using Serverless.Runtime.Dotnet.Concurrency;
using Serverless.Runtime.Dotnet.Events;
using Serverless.Runtime.Dotnet.Hosting;
using Serverless.Runtime.Dotnet.Loading;
using Serverless.Runtime.Dotnet.Metrics;

namespace Serverless.Runtime.Dotnet.Invocation;

/// <summary>
/// One invocation: body-size check, concurrency admission, the handler under a timeout, failures turned
/// into problem responses, and the metrics. The handler is whatever <see cref="LoadedHandler.RequestDelegate"/>
/// is, preceded by decoding the request's CloudEvent when it carries one.
/// </summary>
internal sealed class InvocationPipeline(
    LoadedHandler handler,
    ConcurrencyLimiter limiter,
    RuntimeMetrics metrics,
    InvocationOptions options,
    TimeProvider time,
    ILogger<InvocationPipeline> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = time.GetTimestamp();
        var statusCode = StatusCodes.Status500InternalServerError;
        try
        {
            statusCode = await InvokeCoreAsync(context);
        }
        finally
        {
            metrics.RecordRequest(statusCode, time.GetElapsedTime(started));
        }
    }

    private async Task<int> InvokeCoreAsync(HttpContext context)
    {
        if (context.Request.ContentLength is { } length && length > options.MaxRequestBodyBytes)
        {
            RuntimeLog.RequestBodyTooLarge(logger, length, options.MaxRequestBodyBytes);
            return await FailAsync(
                context,
                StatusCodes.Status413PayloadTooLarge,
                $"The request body is {length} bytes; this function accepts at most {options.MaxRequestBodyBytes} bytes.",
                // The unread body is too large to drain: the connection cannot carry another request.
                closeConnection: true);
        }

        if (!limiter.TryAcquire())
        {
            RuntimeLog.ConcurrencyLimitReached(logger, limiter.InFlight, limiter.Limit);
            context.Response.Headers.RetryAfter = "1";
            context.Response.Headers[ConcurrencyLimiter.RejectedHeader] = ConcurrencyLimiter.RejectedValue;
            await ProblemResponse.WriteAsync(
                context.Response,
                StatusCodes.Status429TooManyRequests,
                $"The function is at its concurrency limit of {limiter.Limit} request(s) in flight.");
            return StatusCodes.Status429TooManyRequests;
        }

        BodyLimitStream? limited = null;
        if (context.Request.ContentLength is null && context.Request.Body.CanRead)
        {
            context.Request.Body = limited = new BodyLimitStream(context.Request.Body, options.MaxRequestBodyBytes);
        }

        try
        {
            return await RunHandlerAsync(context, limited);
        }
        finally
        {
            limiter.Release();
        }
    }

    private async Task<int> RunHandlerAsync(HttpContext context, BodyLimitStream? limited)
    {
        var callerAborted = context.RequestAborted;
        using var timeout = new CancellationTokenSource(options.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(callerAborted, timeout.Token);

        // What minimal-API binding hands to a CancellationToken parameter: cancelled on timeout too.
        context.RequestAborted = linked.Token;

        // On a pool thread, so that a handler that blocks (Thread.Sleep, synchronous I/O) before its first
        // await cannot keep this method from answering 504 at the deadline.
        var handlerTask = Task.Run(() => DecodeEventAndInvokeAsync(context), CancellationToken.None);
        try
        {
            await handlerTask.WaitAsync(timeout.Token);
            return context.Response.StatusCode;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return await TimeOutAsync(context, handlerTask);
        }
        catch (OperationCanceledException) when (callerAborted.IsCancellationRequested)
        {
            RuntimeLog.CallerAborted(logger, handler.Name);
            return InvocationStatusCodes.ClientClosedRequest;
        }
        catch (BadHttpRequestException ex) when (limited is not null && ReferenceEquals(ex, limited.Refusal))
        {
            // A body without a Content-Length grew past the limit: still readable, so Kestrel drains the rest after
            // the answer and the caller, still sending, reads the 413 rather than a broken pipe.
            RuntimeLog.BadRequest(logger, ex.StatusCode, ex.Message);
            return await FailAsync(context, ex.StatusCode, ex.Message, closeConnection: false);
        }
        catch (BadHttpRequestException ex)
        {
            // The server's verdict on the request itself, e.g. a malformed chunk.
            RuntimeLog.BadRequest(logger, ex.StatusCode, ex.Message);
            return await FailAsync(context, ex.StatusCode, ex.Message, closeConnection: true);
        }
        catch (Exception ex)
        {
            // The error's text stays in the log unless the function opts in (FUNCTION_DEBUG): a message can carry what
            // the caller must not see (paths, queries, secrets). The caller gets the id to find it by. A returned event
            // the runtime cannot send is described in the runtime's own words: nothing of the function's to hide.
            var instance = ProblemResponse.NewInstance();
            RuntimeLog.HandlerFailed(logger, handler.Name, instance, ex);
            var detail = ex switch
            {
                ReturnedEventException => $"{typeof(InvalidOperationException).FullName}: {ex.Message}",
                _ when options.Debug => $"{ex.GetType().FullName}: {ex.Message}",
                _ => ProblemResponse.HandlerFailedDetail,
            };
            return await FailAsync(context, StatusCodes.Status500InternalServerError, detail, closeConnection: false, instance);
        }
    }

    /// <summary>
    /// An event request is decoded before the handler runs, whether or not the handler takes the event, so
    /// that an invalid event is answered 400 by every runtime alike. The body is read into memory and put
    /// back for the handler; Kestrel's body limit still applies while reading (413).
    /// </summary>
    private async Task DecodeEventAndInvokeAsync(HttpContext context)
    {
        var mode = CloudEventRequestReader.Detect(context.Request.Headers);
        if (mode == CloudEventMode.None && handler.RequiresEvent)
        {
            RuntimeLog.InvalidEvent(logger, CloudEventBinding.NotAnEventDetail);
            await ProblemResponse.WriteAsync(context.Response, StatusCodes.Status400BadRequest, CloudEventBinding.NotAnEventDetail);
            return;
        }

        CloudEvent? cloudEvent = null;
        if (mode != CloudEventMode.None)
        {
            var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            context.Request.Body = new MemoryStream(body.GetBuffer(), 0, (int)body.Length, writable: false);

            var read = CloudEventRequestReader.Read(mode, context.Request.Headers, body.GetBuffer().AsMemory(0, (int)body.Length));
            if (read.Error is { } error)
            {
                RuntimeLog.InvalidEvent(logger, error);
                await ProblemResponse.WriteAsync(context.Response, StatusCodes.Status400BadRequest, error);
                return;
            }

            cloudEvent = read.Event;
        }

        if (!handler.TakesEvent)
        {
            await handler.RequestDelegate(context);
            return;
        }

        // The request scope is created here (first access) and still disposed by the host at the end.
        var requestServices = context.RequestServices;
        context.RequestServices = new EventServiceProvider(requestServices, cloudEvent);
        try
        {
            await handler.RequestDelegate(context);
        }
        finally
        {
            context.RequestServices = requestServices;
        }
    }

    private async Task<int> TimeOutAsync(HttpContext context, Task handlerTask)
    {
        RuntimeLog.HandlerTimedOut(logger, handler.Name, options.Timeout.TotalSeconds);

        // The handler was cancelled; give it a moment to unwind so that it and this method never write
        // the response at the same time.
        using var stopGrace = new CancellationTokenSource();
        var first = await Task.WhenAny(handlerTask, Task.Delay(options.UnwindGrace, time, stopGrace.Token));
        await stopGrace.CancelAsync();

        var detached = first != handlerTask;
        if (detached)
        {
            RuntimeLog.HandlerIgnoredCancellation(logger, handler.Name);
            _ = handlerTask.ContinueWith(
                t => RuntimeLog.HandlerFailedAfterTimeout(logger, handler.Name, t.Exception!.GetBaseException()),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
        else if (handlerTask.IsFaulted)
        {
            RuntimeLog.HandlerFailedAfterTimeout(logger, handler.Name, handlerTask.Exception.GetBaseException());
        }
        else if (handlerTask.IsCompletedSuccessfully && context.Response.HasStarted)
        {
            // It answered within the grace: late, but complete.
            return context.Response.StatusCode;
        }

        return await FailAsync(
            context,
            StatusCodes.Status504GatewayTimeout,
            $"The function did not answer within its timeout of {options.Timeout.TotalSeconds:0.###} s.",
            closeConnection: detached);
    }

    /// <param name="closeConnection">
    /// The connection must not carry another request: the handler may still be running against it, or the
    /// request body was left unread.
    /// </param>
    private static async Task<int> FailAsync(HttpContext context, int statusCode, string detail, bool closeConnection, string? instance = null)
    {
        if (context.Response.HasStarted)
        {
            // The status line is gone; cutting the connection is the only way left to tell the caller it failed.
            context.Abort();
            return statusCode;
        }

        context.Response.Clear();
        if (closeConnection && HttpProtocol.IsHttp11(context.Request.Protocol))
        {
            context.Response.Headers.Connection = "close";
        }

        await ProblemResponse.WriteAsync(context.Response, statusCode, detail, instance);
        return statusCode;
    }
}
