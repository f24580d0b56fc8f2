namespace Serverless.Runtime.Dotnet.Events;

/// <summary>
/// The function returned a CloudEvent the runtime cannot send. The message is the runtime's own words about the
/// returned value, so the 500 carries it whatever FUNCTION_DEBUG says (an exception the handler threw does not).
/// </summary>
internal sealed class ReturnedEventException : InvalidOperationException
{
    public ReturnedEventException(string message)
        : base(message)
    {
    }

    public ReturnedEventException()
    {
    }

    public ReturnedEventException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
