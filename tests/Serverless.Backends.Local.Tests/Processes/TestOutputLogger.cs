using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Serverless.Backends.Local.Tests.Processes;

/// <summary>Sends the backend's log to the test output, so a failing integration test shows what the supervisor did.</summary>
internal sealed class TestOutputLogger<T>(ITestOutputHelper output) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
        }
        catch (InvalidOperationException)
        {
            // xunit refuses output once the test finished; a background drain may still log after that.
        }
    }
}
