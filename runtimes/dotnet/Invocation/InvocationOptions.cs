namespace Serverless.Runtime.Dotnet.Invocation;

/// <param name="Timeout">Longest an invocation may run before it is answered 504 (FUNCTION_TIMEOUT).</param>
/// <param name="MaxRequestBodyBytes">Largest request body accepted (MAX_REQUEST_BODY_BYTES).</param>
/// <param name="UnwindGrace">
/// After a timeout, how long a cancelled handler gets to finish before the 504 is written regardless;
/// waiting keeps the handler and the runtime from writing the response at the same time.
/// </param>
internal sealed record InvocationOptions(TimeSpan Timeout, long MaxRequestBodyBytes, TimeSpan UnwindGrace)
{
    public static readonly TimeSpan DefaultUnwindGrace = TimeSpan.FromSeconds(1);
}
