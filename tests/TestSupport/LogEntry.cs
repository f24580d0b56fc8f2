using Microsoft.Extensions.Logging;

namespace Serverless.TestSupport;

/// <summary>One entry a <see cref="RecordingLogger{T}"/> kept.</summary>
public sealed record LogEntry(LogLevel Level, int EventId, string Message, Exception? Exception);
