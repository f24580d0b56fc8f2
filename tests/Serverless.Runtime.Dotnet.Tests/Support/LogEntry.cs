using Microsoft.Extensions.Logging;

namespace Serverless.Runtime.Dotnet.Tests.Support;

internal sealed record LogEntry(LogLevel Level, int EventId, string Message, Exception? Exception);
