using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Runtime.Dotnet.Concurrency;
using Serverless.Runtime.Dotnet.Configuration;
using Serverless.Runtime.Dotnet.Hosting;
using Serverless.Runtime.Dotnet.Metrics;

namespace Serverless.Runtime.Dotnet.Specialization;

/// <summary>
/// Generic mode (<c>FUNCTION_GENERIC=1</c>, runtimes/README.md "Specialization"): the host is built and Kestrel listens
/// on both ports with no function; <c>POST /specialize</c> on the platform port loads one later, through the same
/// handler loading as a normal start.
/// </summary>
internal static class GenericHost
{
    public const string Generic = "FUNCTION_GENERIC";
    public const string Token = "SPECIALIZE_TOKEN";

    /// <summary>Stands for the handler a generic start does not have, so that the start's settings parse as usual.</summary>
    private const string NoHandler = "Generic::Generic::Generic";

    /// <summary>The most a function's <c>FUNCTION_TIMEOUT</c> may be: the host's shutdown bound must fit any function's.</summary>
    private const string LongestTimeoutSeconds = "86400";

    /// <summary>Far beyond the few milliseconds the loopback requests take; only bounds a stuck one.</summary>
    private static readonly TimeSpan LoopbackWarmUpTimeout = TimeSpan.FromSeconds(5);

    public static bool IsGeneric(Func<string, string?> environment) =>
        environment(Generic)?.Trim().ToLowerInvariant() is "1" or "true";

    public static async Task<int> RunAsync(Func<string, string?> environment, TextWriter stdout, TextWriter stderr, TimeProvider time, long started)
    {
        var cwd = Directory.GetCurrentDirectory();
        string? Start(string name) => name switch
        {
            EnvironmentVariables.FunctionPath => cwd,
            EnvironmentVariables.Handler => NoHandler,
            EnvironmentVariables.FunctionTimeout => LongestTimeoutSeconds,
            _ => environment(name),
        };

        if (!RuntimeSettingsParser.TryParse(Start, out var settings, out var errors))
        {
            foreach (var error in errors)
            {
                await stderr.WriteLineAsync(RuntimeHost.Prefix + error);
            }

            return ExitCodes.InvalidConfiguration;
        }

        var authorizer = SpecializeAuthorizer.TryCreate(environment, out var authorizerError);
        if (authorizer is null || settings.PlatformPort is not { } platformPort)
        {
            await stderr.WriteLineAsync(authorizerError.Length > 0
                ? RuntimeHost.Prefix + authorizerError
                : $"{RuntimeHost.Prefix}{Token} (or {SpecializeAuthorizer.Key} and {SpecializeAuthorizer.PodUid}) and {EnvironmentVariables.PlatformPort} are required in generic mode ({Generic})");
            return ExitCodes.InvalidConfiguration;
        }

        await using var app = RuntimeHost.Build(settings, time);
        var specializer = new Specializer(app.Services, environment, authorizer, time, stdout);
        var dispatcher = new GenericDispatcher(
            specializer,
            app.Services.GetRequiredService<RuntimeMetrics>(),
            platformPort);
        app.Run(dispatcher.DispatchAsync);
        var warmUp = await GenericWarmUp.RunAsync(app.Services, settings, time);

        var address = RuntimeHost.FormatAddress(settings);
        try
        {
            await app.StartAsync();
        }
        catch (IOException ex)
        {
            await stderr.WriteLineAsync($"{RuntimeHost.Prefix}cannot listen on {address}: {ex.Message}");
            return ExitCodes.ListenFailed;
        }

        // The limiter is the drain's: resolved now, so that DrainService and the specialized pipeline share it.
        _ = app.Services.GetRequiredService<ConcurrencyLimiter>();
        var loopbackStarted = time.GetTimestamp();
        var (specialize, invocation) = await LoopbackWarmUp.RunAsync(settings.ListenAddress, settings.Port, platformPort, environment(Token)?.Trim(), LoopbackWarmUpTimeout);
        warmUp += time.GetElapsedTime(loopbackStarted);
        dispatcher.MarkWarm();
        await stdout.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"{RuntimeHost.Prefix}generic, waiting for POST /specialize, listening on {address} (warmed up in {warmUp.TotalMilliseconds:0} ms, loopback {Status(specialize)}/{Status(invocation)}, {time.GetElapsedTime(started).TotalMilliseconds:0} ms after start)"));
        await stdout.FlushAsync();

        await app.WaitForShutdownAsync();
        if (specializer.Handler is { } handler)
        {
            await handler.DisposeAsync();
        }

        return ExitCodes.Success;
    }

    private static string Status(int? code) => code?.ToString(CultureInfo.InvariantCulture) ?? "failed";
}
