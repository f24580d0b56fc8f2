using System.Text;
using Serverless.Backends.Local.Processes;
using Serverless.TestSupport;

namespace Serverless.Backends.Local.Tests.Processes;

public sealed class ListeningHintTests
{
    public static TheoryData<string, bool> Lines => new()
    {
        // The three runtimes' own lines.
        { "serverless-runtime: HelloDotnet::HelloDotnet.Handler::Handle loaded in 2 ms, listening on http://127.0.0.1:41234 (97 ms after start)", true },
        { "serverless-runtime: index.js:handle loaded in 3 ms, listening on http://127.0.0.1:41234 (40 ms after start)", true },
        { "serverless-runtime: generic, waiting for POST /specialize, listening on http://[::1]:8080 (31 ms after start)", true },
        // Not ours, or not that line.
        { "listening on http://127.0.0.1:41234", false },
        { "my function says: serverless-runtime: x listening on y", false },
        { "serverless-runtime: cannot listen on http://127.0.0.1:41234: address in use", false },
        { "serverless-runtime: SIGTERM: draining, readiness is now 503", false },
        { "serverless-runtime:listening on http://127.0.0.1:1", false },
        { "", false },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void IsListeningLine_OnlyTheRuntimesOwnLine(string line, bool expected) =>
        Assert.Equal(expected, ListeningHint.IsListeningLine(Encoding.UTF8.GetBytes(line)));

    [Fact]
    public async Task DelayAsync_TheLineComesWhileWaiting_TheWaitEndsAtOnce()
    {
        var time = new ManualTimeProvider();
        var hint = new ListeningHint();
        var waiting = hint.DelayAsync(TimeSpan.FromSeconds(10), time, CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        hint.Observe("serverless-runtime: fake listening on http://127.0.0.1:1 (1 ms after start)"u8);

        await waiting.WaitAsync(TimeSpan.FromSeconds(10)); // the clock never moved
        Assert.False(hint.Pending);
    }

    [Fact]
    public async Task DelayAsync_TheLineCameBefore_TheNextWaitEndsAtOnce_AndOnlyThatOne()
    {
        var time = new ManualTimeProvider();
        var hint = new ListeningHint();
        hint.Observe("serverless-runtime: fake listening on http://127.0.0.1:1 (1 ms after start)"u8);
        Assert.True(hint.Pending);

        await hint.DelayAsync(TimeSpan.FromSeconds(10), time, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        // A runtime that prints the line again (or a function that prints it) cuts no other wait short.
        hint.Observe("serverless-runtime: fake listening on http://127.0.0.1:1 (1 ms after start)"u8);
        var next = hint.DelayAsync(TimeSpan.FromSeconds(10), time, CancellationToken.None);
        await Task.Delay(50);
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(10));
        await next.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task DelayAsync_OtherLines_TheWholeDelay()
    {
        var time = new ManualTimeProvider();
        var hint = new ListeningHint();
        var waiting = hint.DelayAsync(TimeSpan.FromSeconds(1), time, CancellationToken.None);
        hint.Observe("serverless-runtime: cannot listen on http://127.0.0.1:1: address in use"u8);
        hint.Observe("listening on http://127.0.0.1:1"u8);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(1));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(hint.Pending);
    }

    [Fact]
    public async Task DelayAsync_Cancelled_Throws()
    {
        var time = new ManualTimeProvider();
        var hint = new ListeningHint();
        using var cancel = new CancellationTokenSource();
        var waiting = hint.DelayAsync(TimeSpan.FromSeconds(10), time, cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
