using Serverless.TestSupport;

namespace Serverless.Conformance.Tests.Support;

/// <summary>Starts one language's runtime, serving its conformance function, as the platform would.</summary>
internal static class ConformanceRuntime
{
    public static RuntimeInstance Start(string language, string? handler = null, params (string Key, string Value)[] environment)
    {
        var runtime = RuntimeLanguage.Get(language);
        return RuntimeInstance.Start(runtime.Command, runtime.Entry, runtime.FunctionPath, handler ?? runtime.Handler, environment);
    }

    public static Task<RuntimeInstance> StartReadyAsync(string language, params (string Key, string Value)[] environment)
    {
        var runtime = RuntimeLanguage.Get(language);
        return RuntimeInstance.StartReadyAsync(runtime.Command, runtime.Entry, runtime.FunctionPath, runtime.Handler, environment);
    }
}
