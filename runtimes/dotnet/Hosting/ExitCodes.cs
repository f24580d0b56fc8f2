namespace Serverless.Runtime.Dotnet.Hosting;

/// <summary>Process exit codes the supervisor can tell apart.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The platform passed an invalid environment (PORT, HOST, limits...): its bug, not the function's.</summary>
    public const int InvalidConfiguration = 2;

    /// <summary>The function cannot be loaded (HANDLER, FUNCTION_PATH, the assembly, type or method): restarting will not help.</summary>
    public const int HandlerLoadFailed = 3;

    /// <summary>The listen address could not be bound (port in use, address not local).</summary>
    public const int ListenFailed = 4;
}
