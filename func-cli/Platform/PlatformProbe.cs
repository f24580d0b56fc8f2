using Serverless.Cli.App;

namespace Serverless.Cli.Platform;

/// <summary>Finds the platform of a home: reads platform.json, checks its pid and asks its admin API for /readyz.</summary>
internal sealed class PlatformProbe
{
    /// <summary>A ready platform answers /readyz in milliseconds; longer means it is busy starting or hung.</summary>
    private static readonly TimeSpan ReadyzTimeout = TimeSpan.FromSeconds(2);

    private readonly CliContext _context;

    public PlatformProbe(CliContext context)
    {
        _context = context;
    }

    public async Task<PlatformInspection> InspectAsync(CancellationToken cancellationToken)
    {
        var read = PlatformStateFile.Read(_context.Home);
        if (read.Problem is not null)
        {
            return new PlatformInspection(PlatformLiveness.Stale, null, read.Problem);
        }

        var state = read.State;
        var alive = state is not null && _context.Processes.IsAlive(state.Pid);
        var ready = alive && await IsReadyAsync(state!.AdminUri, cancellationToken).ConfigureAwait(false);
        var liveness = PlatformLivenessDecision.Decide(state is not null, alive, ready);
        var problem = liveness switch
        {
            PlatformLiveness.Stale => $"{PlatformStateFile.PathIn(_context.Home)} names pid {state!.Pid}, which is not running (the platform was killed or crashed)",
            PlatformLiveness.Unresponsive => $"pid {state!.Pid} is alive but its admin API at {state.AdminUrl} does not answer /readyz",
            _ => null,
        };
        return new PlatformInspection(liveness, state, problem);
    }

    /// <summary>
    /// The platform's endpoints for a command that talks to it. Cheaper than <see cref="InspectAsync"/>:
    /// no /readyz round trip, since a dead admin API shows as a refused connection on the real call.
    /// </summary>
    /// <exception cref="PlatformNotRunningException">No state file, an unreadable one, or its pid is gone.</exception>
    public PlatformState RequireRunning()
    {
        var read = PlatformStateFile.Read(_context.Home);
        if (read.Problem is not null)
        {
            throw new PlatformNotRunningException(read.Problem);
        }

        if (read.State is not { } state)
        {
            throw new PlatformNotRunningException($"no {PlatformStateFile.PathIn(_context.Home)}");
        }

        if (!_context.Processes.IsAlive(state.Pid))
        {
            throw new PlatformNotRunningException($"{PlatformStateFile.PathIn(_context.Home)} names pid {state.Pid}, which is not running");
        }

        return state;
    }

    public async Task<bool> IsReadyAsync(Uri adminUrl, CancellationToken cancellationToken)
    {
        using var client = _context.CreateAdminHttpClient(adminUrl, Timeout.InfiniteTimeSpan);
        using var timeout = new CancellationTokenSource(ReadyzTimeout, _context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await client.GetAsync("readyz", linked.Token).ConfigureAwait(false);

            // Refused credentials still mean a platform that answers: the command's own call reports the 401 with a hint.
            return response.IsSuccessStatusCode || response.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden;
        }
        catch (HttpRequestException)
        {
            // Refused, reset or unreachable: all mean "not answering", which is the question asked.
            return false;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
