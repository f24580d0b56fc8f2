namespace Serverless.Bench.Autoscaler;

/// <summary>
/// How long an instance takes from being asked for to being ready: <see cref="FreshSeconds"/> for a process started
/// from nothing, <see cref="PoolSeconds"/> for one taken from a warm pool of <see cref="PoolSize"/> generic instances
/// and specialized (issue #21). A pool instance that is taken is refilled by a fresh start, ready for the pool
/// <see cref="FreshSeconds"/> later; a specialized instance never returns to the pool.
/// </summary>
internal sealed record StartupModel(double FreshSeconds, int PoolSize, double PoolSeconds)
{
    public static StartupModel Fresh(double seconds) => new(seconds, 0, seconds);

    public string Describe() => PoolSize == 0
        ? $"start-up {FreshSeconds:0.###} s, no pool"
        : $"start-up {FreshSeconds:0.###} s, pool of {PoolSize} specializing in {PoolSeconds * 1000:0.#} ms";
}
