namespace Serverless.Runtime.Dotnet.Configuration;

/// <summary>The environment contract between the platform (local supervisor or Kubernetes) and the runtime.</summary>
internal static class EnvironmentVariables
{
    /// <summary>Port to listen on, 1..65535. Required.</summary>
    public const string Port = "PORT";

    /// <summary>
    /// Port of the platform's own endpoints (<c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>), 1..65535 and not
    /// <see cref="Port"/>. Optional: unset, the runtime serves no such endpoint. The ingress never routes to it, so
    /// every path on <see cref="Port"/> reaches the function (Knative keeps these on the queue-proxy's ports).
    /// </summary>
    public const string PlatformPort = "PLATFORM_PORT";

    /// <summary>Knative's name of the service: the function's name. Labels the metrics (<c>function</c>).</summary>
    public const string Service = "K_SERVICE";

    /// <summary>Knative's name of the revision. Labels the metrics (<c>revision</c>).</summary>
    public const string Revision = "K_REVISION";

    /// <summary>The function's namespace (no Knative equivalent). Labels the metrics (<c>namespace</c>).</summary>
    public const string Namespace = "FUNCTION_NAMESPACE";

    /// <summary>Address to listen on: an IP address or <c>localhost</c>. Default <c>127.0.0.1</c>; Kubernetes passes <c>0.0.0.0</c>.</summary>
    public const string Host = "HOST";

    /// <summary>Directory holding the function's build output. Required.</summary>
    public const string FunctionPath = "FUNCTION_PATH";

    /// <summary><c>Assembly::Namespace.Type::Method</c>. Required.</summary>
    public const string Handler = "HANDLER";

    /// <summary>Concurrent requests allowed; past it the runtime answers 429. Default 0, meaning unlimited.</summary>
    public const string ContainerConcurrency = "CONTAINER_CONCURRENCY";

    /// <summary>Seconds a request may take before it is answered 504. Default 300.</summary>
    public const string FunctionTimeout = "FUNCTION_TIMEOUT";

    /// <summary>Largest request body accepted, in bytes; larger ones get 413. Default 33554432 (32 MiB).</summary>
    public const string MaxRequestBodyBytes = "MAX_REQUEST_BODY_BYTES";

    /// <summary><c>trace</c>, <c>debug</c>, <c>information</c>, <c>warning</c>, <c>error</c>, <c>critical</c> or <c>none</c>. Default <c>warning</c>.</summary>
    public const string LogLevel = "LOG_LEVEL";

    /// <summary>
    /// <c>true</c> or <c>1</c>: a handler's exception text (<c>Type: message</c>) goes back in the 500's detail. Off by
    /// default: the caller gets the problem's <c>instance</c> id, the log has the error under it.
    /// </summary>
    public const string FunctionDebug = "FUNCTION_DEBUG";
}
