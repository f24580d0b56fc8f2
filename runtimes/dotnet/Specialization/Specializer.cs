using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Runtime.Dotnet.Concurrency;
using Serverless.Runtime.Dotnet.Configuration;
using Serverless.Runtime.Dotnet.Hosting;
using Serverless.Runtime.Dotnet.Loading;
using Serverless.Runtime.Dotnet.Metrics;

namespace Serverless.Runtime.Dotnet.Specialization;

/// <summary>
/// <c>POST /specialize</c>: checks the token, validates the merged environment as a start would, loads the handler
/// with <see cref="HandlerLoader"/> and composes the function's pipeline. Once only: a second answer is 409.
/// </summary>
/// <remarks>
/// The function's <c>env</c> is set in the process environment (and the configuration reloaded) before the handler is
/// loaded, so that a handler type's constructor sees its configuration as at a normal start. A load that fails leaves
/// the process generic (the platform kills it anyway). Thread-safety: one specialization at a time (<see cref="_state"/>);
/// <see cref="Dispatcher"/> is published last, after everything it needs.
/// </remarks>
internal sealed class Specializer(IServiceProvider services, Func<string, string?> environment, SpecializeAuthorizer authorizer, TimeProvider time, TextWriter stdout)
{
    /// <summary>As in the python and node runtimes: a 1 MiB artifact ConfigMap fits base64-encoded.</summary>
    private const long MaxBodyBytes = 2 * 1024 * 1024;

    /// <summary>The process keeps its own: a specialization cannot move its ports or its mode.</summary>
    private static readonly HashSet<string> Kept = new(StringComparer.Ordinal)
    {
        EnvironmentVariables.Port, EnvironmentVariables.PlatformPort, EnvironmentVariables.Host, GenericHost.Generic, GenericHost.Token,
        SpecializeAuthorizer.Key, SpecializeAuthorizer.PodUid,
    };

    /// <summary>0 generic, 1 specializing, 2 specialized.</summary>
    private int _state;
    private volatile RequestDispatcher? _dispatcher;

    /// <summary>The function's pipeline once specialized; null while generic.</summary>
    public RequestDispatcher? Dispatcher => _dispatcher;

    /// <summary>The function's settings once specialized.</summary>
    public RuntimeSettings? Settings { get; private set; }

    public LoadedHandler? Handler { get; private set; }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength is not { } length)
        {
            await GenericDispatcher.WriteTextAsync(context.Response, StatusCodes.Status411LengthRequired, "a specialization needs a Content-Length");
            return;
        }

        if (length > MaxBodyBytes)
        {
            await GenericDispatcher.WriteTextAsync(context.Response, StatusCodes.Status413PayloadTooLarge, "a specialization's body is at most 2 MiB");
            return;
        }

        // Read before the check: a signature covers the body's bytes.
        var body = new byte[length];
        try
        {
            await request.Body.ReadExactlyAsync(body, context.RequestAborted);
        }
        catch (EndOfStreamException)
        {
            await GenericDispatcher.WriteTextAsync(context.Response, StatusCodes.Status400BadRequest, "the body is shorter than its Content-Length");
            return;
        }

        if (!authorizer.Authorized(request.Headers.Authorization.ToString(), body))
        {
            await GenericDispatcher.WriteTextAsync(context.Response, StatusCodes.Status401Unauthorized, "a specialization needs the instance's token or the platform's signature for this pod");
            return;
        }

        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            await GenericDispatcher.WriteTextAsync(context.Response, StatusCodes.Status409Conflict, "already specialized: a process is specialized once");
            return;
        }

        var done = false;
        try
        {
            var started = time.GetTimestamp();
            var (status, text) = Specialize(body);
            done = status == StatusCodes.Status200OK;
            if (done)
            {
                await stdout.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{RuntimeHost.Prefix}{Settings!.Handler} loaded in {time.GetElapsedTime(started).TotalMilliseconds:0} ms (specialized)"));
                await stdout.FlushAsync();
            }

            await GenericDispatcher.WriteTextAsync(context.Response, status, text);
        }
        finally
        {
            Volatile.Write(ref _state, done ? 2 : 0);
        }
    }

    private (int Status, string Text) Specialize(byte[] bytes)
    {
        string functionPath;
        string handlerText;
        byte[]? artifact = null;
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var body = JsonDocument.Parse(bytes);
            var root = body.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (StatusCodes.Status400BadRequest, "the body must be a JSON object");
            }

            if (!root.TryGetProperty("functionPath", out var path) || path.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(path.GetString()))
            {
                return (StatusCodes.Status400BadRequest, "functionPath: a non-empty string is required");
            }

            if (!root.TryGetProperty("handler", out var handler) || handler.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(handler.GetString()))
            {
                return (StatusCodes.Status400BadRequest, "handler: a non-empty string is required");
            }

            if (root.TryGetProperty("env", out var variables))
            {
                if (variables.ValueKind != JsonValueKind.Object)
                {
                    return (StatusCodes.Status400BadRequest, "env: an object of strings is required");
                }

                foreach (var variable in variables.EnumerateObject())
                {
                    if (variable.Value.ValueKind != JsonValueKind.String)
                    {
                        return (StatusCodes.Status400BadRequest, $"env.{variable.Name}: a string is required");
                    }

                    if (!Kept.Contains(variable.Name))
                    {
                        env[variable.Name] = variable.Value.GetString()!;
                    }
                }
            }

            if (root.TryGetProperty("artifact", out var packed) && packed.ValueKind != JsonValueKind.Null)
            {
                if (packed.ValueKind != JsonValueKind.String || !packed.TryGetBytesFromBase64(out artifact))
                {
                    return (StatusCodes.Status400BadRequest, "artifact: the base64 of a .tar.gz is required");
                }
            }

            functionPath = path.GetString()!;
            handlerText = handler.GetString()!;
        }
        catch (JsonException e)
        {
            return (StatusCodes.Status400BadRequest, "the body is not JSON: " + e.Message);
        }

        if (artifact is not null && ArtifactUnpacker.Unpack(artifact, functionPath) is { } unpackError)
        {
            return (StatusCodes.Status422UnprocessableEntity, RuntimeHost.Prefix + unpackError);
        }

        env[EnvironmentVariables.FunctionPath] = functionPath;
        env[EnvironmentVariables.Handler] = handlerText;
        if (!RuntimeSettingsParser.TryParse(name => env.TryGetValue(name, out var value) ? value : environment(name), out var settings, out var errors))
        {
            return (StatusCodes.Status422UnprocessableEntity, string.Join("\n", errors.Select(e => RuntimeHost.Prefix + e)));
        }

        if (!HandlerName.TryParse(settings.Handler, out var name, out var parseError))
        {
            return (StatusCodes.Status422UnprocessableEntity, $"{RuntimeHost.Prefix}handler {DisplayText.Quote(settings.Handler)}: {parseError}");
        }

        foreach (var (variable, value) in env)
        {
            Environment.SetEnvironmentVariable(variable, value);
        }

        Environment.SetEnvironmentVariable(GenericHost.Generic, null);
        Environment.SetEnvironmentVariable(GenericHost.Token, null);
        Environment.SetEnvironmentVariable(SpecializeAuthorizer.Key, null);
        Environment.SetEnvironmentVariable(SpecializeAuthorizer.PodUid, null);
        if (services.GetService<IConfiguration>() is IConfigurationRoot configuration)
        {
            configuration.Reload();
        }

        LoadedHandler loaded;
        try
        {
            loaded = new HandlerLoader(services).Load(name, settings.FunctionPath);
        }
        catch (HandlerLoadException ex)
        {
            return (StatusCodes.Status422UnprocessableEntity, RuntimeHost.Prefix + ex.Message);
        }

        var limiter = services.GetRequiredService<ConcurrencyLimiter>();
        limiter.Specialize(settings.ContainerConcurrency);
        var metrics = new RuntimeMetrics(limiter, settings.MetricLabels);
        Handler = loaded;
        Settings = settings;
        var dispatcher = RuntimeHost.Compose(services, loaded, settings, time, metrics);
        services.GetRequiredService<ReadinessState>().MarkReady();
        _dispatcher = dispatcher;
        return (StatusCodes.Status200OK, "specialized as " + settings.Handler);
    }
}
