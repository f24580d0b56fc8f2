using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Backends.Kubernetes.Leadership;
using Serverless.TestSupport;

namespace Serverless.Backends.Kubernetes.Tests.Leadership;

/// <summary>
/// The election's timing rules on virtual time, with the default durations (lease 15 s, renew deadline 10 s, retry
/// 1 s) against a <see cref="FakeLeaseServer"/>: outages at start, during a term and for everyone; renewals retried
/// within the deadline; the release on a graceful stop; the work stopped before another replica may lead.
/// </summary>
public sealed class LeaderGateTimingTests : IAsyncDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);
    private readonly ManualTimeProvider _time = new();
    private readonly FakeLeaseServer _server = new();
    private readonly List<Candidate> _candidates = [];

    [Fact]
    public async Task RunAsync_ApiServerDownAtStart_RetriesWithBackoffForeverThenLeads()
    {
        _server.Down = true;
        var a = Start("controller-a");

        await RunForAsync(TimeSpan.FromSeconds(60));

        Assert.False(a.Run.IsCompleted, "the campaign ended while the API server was down");
        Assert.False(a.Gate.IsConnected);
        Assert.False(a.Gate.IsLeader);
        var attempts = _server.Calls.Count(c => c == "controller-a get refused");
        Assert.InRange(attempts, 30, 32); // 1 s after the first failure, then every 2 s

        _server.Down = false;
        var elapsed = await RunUntilAsync(() => a.Gate.IsLeader, TimeSpan.FromSeconds(5));

        Assert.True(elapsed <= TimeSpan.FromSeconds(2), $"led {elapsed.TotalSeconds} s after the API server came back");
        Assert.True(a.Gate.IsConnected);
        Assert.Equal(1, a.Work.Starts);
    }

    [Fact]
    public async Task RunAsync_RenewalsFailShorterThanTheRenewDeadline_KeepsLeading()
    {
        var a = Start("controller-a");
        await RunUntilAsync(() => a.Gate.IsLeader, TimeSpan.FromSeconds(5));

        _server.Down = true;
        await RunForAsync(TimeSpan.FromSeconds(8));
        Assert.False(a.Gate.IsConnected);
        _server.Down = false;
        await RunForAsync(TimeSpan.FromSeconds(3));

        Assert.True(a.Gate.IsLeader);
        Assert.True(a.Gate.IsConnected);
        Assert.Equal((1, 0), (a.Work.Starts, a.Work.Stops));
        Assert.Equal(1, a.Gate.TermsStarted);
        Assert.True(_server.Calls.Count(c => c == "controller-a update refused") == 0, "a renewal was attempted without a read");
        Assert.InRange(_server.Calls.Count(c => c == "controller-a get refused"), 7, 9); // retried every second, not given up
    }

    [Fact]
    public async Task RunAsync_LeaderCutOffPastTheRenewDeadline_StopsBeforeTheStandbyLeadsAndLeadsAgainLater()
    {
        var a = Start("controller-a");
        await RunUntilAsync(() => a.Gate.IsLeader, TimeSpan.FromSeconds(5));
        var b = Start("controller-b");
        await RunForAsync(TimeSpan.FromSeconds(3));
        Assert.Equal("controller-a", b.Gate.Leader);

        a.Client.Partitioned = true;
        var lastRenewal = new DateTimeOffset(_server.Lease!.Spec.RenewTime!.Value, TimeSpan.Zero);
        await RunUntilAsync(() => b.Gate.IsLeader, TimeSpan.FromSeconds(30));

        var stopped = a.Work.LastStop!.Value;
        var taken = b.Work.LastStart!.Value;
        Assert.False(a.Gate.IsLeader);
        Assert.True(stopped <= lastRenewal + TimeSpan.FromSeconds(10) + Step, $"A worked until {stopped - lastRenewal} after its last renewal");
        Assert.True(taken >= lastRenewal + TimeSpan.FromSeconds(15), $"B led {taken - lastRenewal} after A's last renewal, inside A's lease");
        Assert.True(taken <= lastRenewal + TimeSpan.FromSeconds(17), $"B led only {taken - lastRenewal} after A's last renewal");

        // A comes back as a standby; when B goes away A leads again, with a new term of its work.
        a.Client.Partitioned = false;
        await RunForAsync(TimeSpan.FromSeconds(3));
        Assert.True(a.Gate.IsConnected);
        Assert.False(a.Gate.IsLeader);
        await b.StopAsync();
        await RunUntilAsync(() => a.Gate.IsLeader, TimeSpan.FromSeconds(3));

        Assert.Equal(2, a.Gate.TermsStarted);
        Assert.Equal((2, 1), (a.Work.Starts, a.Work.Stops));
    }

    [Fact]
    public async Task RunAsync_StoppedGracefully_ReleasesAndTheStandbyLeadsWithinTheRetryPeriod()
    {
        var a = Start("controller-a");
        await RunUntilAsync(() => a.Gate.IsLeader, TimeSpan.FromSeconds(5));
        var b = Start("controller-b");
        await RunForAsync(TimeSpan.FromSeconds(5));

        await a.StopAsync();
        Assert.Null(_server.Holder);
        Assert.Equal(1, a.Work.Stops);
        var elapsed = await RunUntilAsync(() => b.Gate.IsLeader, TimeSpan.FromSeconds(5));

        Assert.True(elapsed <= TimeSpan.FromSeconds(1), $"the standby led {elapsed.TotalSeconds} s after the release");
        Assert.Equal("controller-b", _server.Holder);
    }

    // A renewal cut short by the stop can reach the server unseen: the release then conflicts on a stale version. It
    // reads the Lease again and, still the holder, releases it (raced under load in LeaderGateTests).
    [Fact]
    public async Task RunAsync_StoppedAfterAnUnseenRenewal_StillReleases()
    {
        var a = Start("controller-a");
        await RunUntilAsync(() => a.Gate.IsLeader, TimeSpan.FromSeconds(5));

        _server.Touch();
        await a.StopAsync();

        Assert.Null(_server.Holder);
        Assert.Contains("controller-a get", _server.Calls.TakeLast(3));
    }

    [Fact]
    public async Task RunAsync_ApiServerDownForEveryone_LeaderStopsThenExactlyOneLeadsWhenItReturns()
    {
        var a = Start("controller-a");
        await RunUntilAsync(() => a.Gate.IsLeader, TimeSpan.FromSeconds(5));
        var b = Start("controller-b");
        await RunForAsync(TimeSpan.FromSeconds(3));

        _server.Down = true;
        var stopped = await RunUntilAsync(() => a.Work.Stops == 1, TimeSpan.FromSeconds(15));
        Assert.InRange(stopped, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(11));
        await RunForAsync(TimeSpan.FromSeconds(30) - stopped);
        Assert.False(a.Gate.IsConnected || b.Gate.IsConnected);
        Assert.False(a.Run.IsCompleted || b.Run.IsCompleted, "a campaign ended during the outage");

        _server.Down = false;
        var back = await RunUntilAsync(() => a.Gate.IsLeader || b.Gate.IsLeader, TimeSpan.FromSeconds(5));
        await RunForAsync(TimeSpan.FromSeconds(5));

        Assert.True(back <= TimeSpan.FromSeconds(2), $"no leader {back.TotalSeconds} s after the API server returned");
        Assert.True(a.Gate.IsLeader ^ b.Gate.IsLeader);
        Assert.Equal(_server.Holder, a.Gate.IsLeader ? "controller-a" : "controller-b");
    }

    [Fact]
    public async Task RunAsync_TwoCandidatesAtOnce_OnlyOneLeads()
    {
        var a = Start("controller-a");
        var b = Start("controller-b");

        await RunForAsync(TimeSpan.FromSeconds(10));

        Assert.True(a.Gate.IsLeader ^ b.Gate.IsLeader);
        Assert.Equal(1, a.Work.Starts + b.Work.Starts);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var candidate in _candidates)
        {
            await candidate.StopAsync();
        }
    }

    private Candidate Start(string identity)
    {
        var client = _server.For(identity);
        var gate = new LeaderGate(client, new LeaderElectionOptions { Identity = identity }, NullLogger.Instance, _time);
        var work = new WorkProbe(_time);
        var stop = new CancellationTokenSource();
        var candidate = new Candidate(gate, client, work, stop, Task.Run(() => gate.RunAsync(work.RunAsync, stop.Token)));
        _candidates.Add(candidate);
        return candidate;
    }

    private async Task RunForAsync(TimeSpan duration)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += Step)
        {
            _time.Advance(Step);
            await SettleAsync();
        }
    }

    /// <summary>Moves virtual time in steps until the condition holds; returns the virtual time that took.</summary>
    private async Task<TimeSpan> RunUntilAsync(Func<bool> condition, TimeSpan bound)
    {
        await SettleAsync();
        var elapsed = TimeSpan.Zero;
        while (!condition())
        {
            Assert.True(elapsed < bound, $"not within {bound.TotalSeconds} s of virtual time");
            _time.Advance(Step);
            elapsed += Step;
            await SettleAsync();
        }

        return elapsed;
    }

    // The gates' continuations run on the thread pool: let them catch up with the clock before it moves again.
    private static async Task SettleAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            await Task.Delay(1);
        }
    }

    private sealed record Candidate(LeaderGate Gate, FakeLeaseServer.Client Client, WorkProbe Work, CancellationTokenSource Stop, Task Run)
    {
        public async Task StopAsync()
        {
            await Stop.CancelAsync();
            await Run.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>A leader's loop that counts its terms and records when (on virtual time) each started and stopped.</summary>
    private sealed class WorkProbe(TimeProvider time)
    {
        private int _starts;
        private int _stops;

        public int Starts => Volatile.Read(ref _starts);

        public int Stops => Volatile.Read(ref _stops);

        public DateTimeOffset? LastStart { get; private set; }

        public DateTimeOffset? LastStop { get; private set; }

        public async Task RunAsync(CancellationToken term)
        {
            LastStart = time.GetUtcNow();
            Interlocked.Increment(ref _starts);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, term);
            }
            finally
            {
                LastStop = time.GetUtcNow();
                Interlocked.Increment(ref _stops);
            }
        }
    }
}
