using Microsoft.Extensions.Logging;

namespace DotnetTest;

/// <summary>
/// An instance handler: the runtime creates it once with the host's services, so its state survives
/// between requests and its constructor can take an <see cref="ILogger{T}"/>.
/// </summary>
public sealed class Counter(ILogger<Counter> logger)
{
    private int _count;

    public string Next()
    {
        var value = Interlocked.Increment(ref _count);
        logger.LogDebug("counter at {Value}", value);
        return value.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
