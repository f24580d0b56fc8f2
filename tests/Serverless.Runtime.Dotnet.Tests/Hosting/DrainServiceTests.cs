using Microsoft.Extensions.Logging;
using Serverless.Runtime.Dotnet.Concurrency;
using Serverless.Runtime.Dotnet.Hosting;
using Serverless.Runtime.Dotnet.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Hosting;

public sealed class DrainServiceTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly ReadinessState _readiness = new();
    private readonly ConcurrencyLimiter _limiter = new(0);
    private readonly FakeHostApplicationLifetime _lifetime = new();
    private readonly RecordingLogger<DrainService> _logger = new();
    private readonly DrainService _drain;

    public DrainServiceTests()
    {
        _drain = new DrainService(_readiness, _limiter, _lifetime, _logger);
        _readiness.MarkReady();
    }

    public void Dispose() => _lifetime.Dispose();

    [Fact]
    public async Task ApplicationStopping_AfterStart_TurnsReadinessToDrainingAtOnce()
    {
        await _drain.StartedAsync(CancellationToken.None);

        _lifetime.StopApplication();

        Assert.Equal(ReadinessPhase.Draining, _readiness.Phase);
    }

    [Fact]
    public async Task StoppingAsync_NothingInFlight_CompletesAtOnce()
    {
        var stopping = _drain.StoppingAsync(CancellationToken.None);

        Assert.True(stopping.IsCompletedSuccessfully);
        Assert.Equal(ReadinessPhase.Draining, _readiness.Phase);
        await stopping;
    }

    [Fact]
    public async Task StoppingAsync_RequestsInFlight_WaitsForTheLastOne()
    {
        _limiter.TryAcquire();
        _limiter.TryAcquire();

        var stopping = _drain.StoppingAsync(CancellationToken.None);
        Assert.Equal(ReadinessPhase.Draining, _readiness.Phase);
        _limiter.Release();
        Assert.False(stopping.IsCompleted);
        _limiter.Release();

        await stopping.WaitAsync(Bound);
        Assert.Contains(_logger.Entries, e => e.EventId == 11);
    }

    [Fact]
    public async Task StoppingAsync_ShutdownDeadlinePasses_ReturnsAndWarnsWithTheCountLeft()
    {
        _limiter.TryAcquire();
        using var deadline = new CancellationTokenSource();

        var stopping = _drain.StoppingAsync(deadline.Token);
        await deadline.CancelAsync();
        await stopping.WaitAsync(Bound);

        var warning = Assert.Single(_logger.Entries, e => e.EventId == 12);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("1 request(s)", warning.Message, StringComparison.Ordinal);
    }
}
