using Serverless.Runtime.Dotnet.Configuration;

namespace Serverless.Runtime.Dotnet.Loading;

/// <summary>
/// The function cannot be served. The message is one line (the supervisor shows the log tail) naming the
/// handler, what is wrong and what was looked for.
/// </summary>
internal sealed class HandlerLoadException : Exception
{
    public HandlerLoadException(string handler, string reason, Exception? innerException = null)
        : base($"handler {DisplayText.Quote(handler)}: {DisplayText.OneLine(reason)}", innerException)
    {
    }
}
