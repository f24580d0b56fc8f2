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

    /// <summary>
    /// After a refused body (413, 429), how much more of it Kestrel reads and drops so that the caller, still sending,
    /// gets the answer: 64 MiB, as the Node and Python runtimes. Kestrel's own body limit is set this much higher.
    /// </summary>
    public const long DrainBytes = 64L * 1024 * 1024;

    /// <summary>FUNCTION_DEBUG: the 500 of a handler that threw carries its exception text, not only the instance id.</summary>
    public bool Debug { get; init; }
}
