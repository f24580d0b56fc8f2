using System.Net;
using Serverless.Platform.Admin;

namespace Serverless.Platform;

/// <summary>Settings of the local platform, from the command line and environment.</summary>
public sealed class PlatformOptions
{
    /// <summary>State directory: database, logs, artifacts. Default <c>~/.serverless</c>, or <c>$SERVERLESS_HOME</c>.</summary>
    public required string Home { get; init; }

    /// <summary>Function ingress (activator) listen address. Default <c>127.0.0.1:8080</c>; port 0 picks a free port.</summary>
    public IPEndPoint Ingress { get; init; } = new(IPAddress.Loopback, 8080);

    /// <summary>Admin API listen address. Default <c>127.0.0.1:8081</c>.</summary>
    public IPEndPoint Admin { get; init; } = new(IPAddress.Loopback, 8081);

    /// <summary>
    /// <c>$SERVERLESS_ADMIN_TOKEN</c>: overrides the admin API's bearer token, which is otherwise generated into
    /// <c>{home}/admin-token</c> (<see cref="AdminCredential"/>). The admin API requires a token either way.
    /// </summary>
    public string? AdminToken { get; init; }

    /// <summary>
    /// False with <c>--no-sandbox</c>: instances run unsandboxed whatever config.json says (the platform warns, and
    /// <c>func status</c> shows it). Default true, config.json's <c>local.sandbox</c> deciding.
    /// </summary>
    public bool Sandbox { get; init; } = true;

    /// <summary>
    /// True with <c>--admin-plain-http</c>: the admin API serves plain HTTP instead of HTTPS. Off by default, since
    /// kubectl and other client-go tools send no bearer token over plain HTTP; for a proxy that terminates TLS itself.
    /// </summary>
    public bool AdminPlainHttp { get; init; }

    /// <summary>
    /// <c>--kubeconfig PATH</c>: once ready, the platform writes a kubeconfig for its admin API there (0600), as
    /// <c>func kubeconfig</c> prints it. Null: none is written.
    /// </summary>
    public string? KubeconfigPath { get; init; }

    /// <summary>
    /// <c>--log-file PATH</c>: the platform's stdout and stderr go to this file, rotated at config.json's
    /// <c>local.log-max-bytes</c> (<see cref="Logging.PlatformLogFile"/>). <c>func up --detach</c> passes
    /// <c>{home}/logs/platform.log</c>; null (attached) leaves them on the terminal.
    /// </summary>
    public string? LogFile { get; init; }

    /// <summary>Where the runtimes are: <c>{platform}/../runtimes</c> in the install layout.</summary>
    public required string RuntimesDirectory { get; init; }

    public string DatabasePath => Path.Combine(Home, "state.db");

    public string StateFilePath => Path.Combine(Home, "platform.json");

    /// <summary>Parses <c>--home DIR --ingress HOST:PORT --admin HOST:PORT [--no-sandbox] [--log-file PATH] [--admin-plain-http] [--kubeconfig PATH]</c>; returns the problems instead of throwing.</summary>
    public static PlatformOptions Parse(string[] args, Func<string, string?> environment, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        string? home = environment("SERVERLESS_HOME");
        IPEndPoint ingress = new(IPAddress.Loopback, 8080), admin = new(IPAddress.Loopback, 8081);
        var sandbox = true;
        var plainHttp = false;
        string? kubeconfig = null;
        string? logFile = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--home" when value is not null:
                    home = value;
                    i++;
                    break;
                case "--ingress" when value is not null:
                    ingress = ParseEndPoint("--ingress", value, problems) ?? ingress;
                    i++;
                    break;
                case "--admin" when value is not null:
                    admin = ParseEndPoint("--admin", value, problems) ?? admin;
                    i++;
                    break;
                case "--no-sandbox":
                    sandbox = false;
                    break;
                case "--log-file" when value is not null:
                    logFile = Path.GetFullPath(value);
                    i++;
                    break;
                case "--kubeconfig" when value is not null:
                    kubeconfig = value;
                    i++;
                    break;
                case "--admin-plain-http":
                    plainHttp = true;
                    break;
                default:
                    problems.Add($"unknown or incomplete argument \"{args[i]}\" (expected --home DIR, --ingress HOST:PORT, --admin HOST:PORT, --no-sandbox, --log-file PATH, --admin-plain-http, --kubeconfig PATH)");
                    break;
            }
        }

        home ??= Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".serverless");
        var token = environment(AdminCredential.Variable);
        errors = problems;
        return new PlatformOptions
        {
            Home = Path.GetFullPath(home),
            Ingress = ingress,
            Admin = admin,
            AdminToken = string.IsNullOrEmpty(token) ? null : token,
            Sandbox = sandbox,
            LogFile = logFile,
            AdminPlainHttp = plainHttp,
            KubeconfigPath = kubeconfig is null ? null : Path.GetFullPath(kubeconfig),
            RuntimesDirectory = environment("SERVERLESS_RUNTIMES") ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "runtimes")),
        };
    }

    private static IPEndPoint? ParseEndPoint(string flag, string value, List<string> problems)
    {
        if (IPEndPoint.TryParse(value, out var endPoint) && value.Contains(':', StringComparison.Ordinal))
        {
            return endPoint;
        }

        problems.Add($"{flag} \"{value}\": expected HOST:PORT with a numeric IP address, e.g. 127.0.0.1:8080");
        return null;
    }
}
