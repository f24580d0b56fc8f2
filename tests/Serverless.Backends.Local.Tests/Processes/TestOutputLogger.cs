using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Serverless.Backends.Local.Tests.Processes;

/// <summary>
/// Sends the backend's log to the test output, so a failing integration test shows what the supervisor did, and keeps
/// each event's id and message for tests that assert on what was said.
/// </summary>
internal sealed class TestOutputLogger<T>(ITestOutputHelper output) : ILogger<T>
{
    public ConcurrentQueue<(int EventId, string Message)> Events { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        Events.Enqueue((eventId.Id, formatter(state, exception)));
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
