using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Serverless.TestSupport;

/// <summary>A logger that keeps every entry (level, event id, formatted message, exception) for a test to assert on. Thread-safe.</summary>
public sealed class RecordingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue(new LogEntry(logLevel, eventId.Id, formatter(state, exception), exception));
}
