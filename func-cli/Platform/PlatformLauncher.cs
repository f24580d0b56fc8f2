using System.Diagnostics;

namespace Serverless.Cli.Platform;

/// <summary>Starts the platform host process, attached to this terminal or detached into its own session.</summary>
internal static class PlatformLauncher
{
    public const string PlatformDllName = "Serverless.Platform.dll";
    public const string PlatformDllVariable = "SERVERLESS_PLATFORM_DLL";

    /// <summary>The session launcher: a detached platform must survive the terminal that started it closing.</summary>
    public const string SetsidPath = "/usr/bin/setsid";

    /// <summary><c>$SERVERLESS_PLATFORM_DLL</c>, else the install layout's <c>../platform/</c> beside the CLI.</summary>
    public static string ResolvePlatformDll(Func<string, string?> environment) =>
        environment(PlatformDllVariable) is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "platform", PlatformDllName));

    /// <summary>The platform's argv after <c>dotnet</c>, as the platform host contract defines it.</summary>
    /// <param name="sandbox">False adds <c>--no-sandbox</c>: instances run unsandboxed.</param>
    /// <param name="logFile">The detached platform's log (<c>--log-file</c>), which it keeps under its size bound.</param>
    /// <param name="kubeconfig">Adds <c>--kubeconfig PATH</c>: the platform writes a kubeconfig there once ready.</param>
    /// <param name="adminPlainHttp">Adds <c>--admin-plain-http</c>: the admin API serves plain HTTP, not HTTPS.</param>
    public static IReadOnlyList<string> Arguments(
        string platformDll,
        string home,
        ListenAddress ingress,
        ListenAddress admin,
        bool sandbox = true,
        string? logFile = null,
        string? kubeconfig = null,
        bool adminPlainHttp = false)
    {
        List<string> argv = [platformDll, "--home", home, "--ingress", ingress.ToString(), "--admin", admin.ToString()];
        if (!sandbox)
        {
            argv.Add("--no-sandbox");
        }

        if (logFile is not null)
        {
            argv.AddRange(["--log-file", logFile]);
        }

        if (kubeconfig is not null)
        {
            argv.AddRange(["--kubeconfig", Path.GetFullPath(kubeconfig)]);
        }

        if (adminPlainHttp)
        {
            argv.Add("--admin-plain-http");
        }

        return argv;
    }

    /// <summary>A child sharing this process's stdin, stdout and stderr.</summary>
    public static Process StartAttached(string dotnet, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(dotnet) { UseShellExecute = false };
        AddEnvironment(info, environment);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("Process.Start returned no process for " + dotnet);
    }

    /// <summary>
    /// A child in a new session (setsid), so a closed terminal's SIGHUP does not reach it, with stdout
    /// and stderr appended to <paramref name="logPath"/> and stdin from /dev/null. The redirection catches what the
    /// .NET host prints before the platform's <c>Main</c>; from there the platform keeps the file bounded (its
    /// <c>--log-file</c>, which <see cref="Arguments"/> adds). .NET cannot hand a
    /// file to a child's stdout, so <c>sh</c> does the redirection; paths and arguments travel as
    /// positional parameters, never inside the script text, so no quoting can go wrong. Both setsid (not
    /// a group leader here, so it does not fork) and sh exec, so the returned pid is the platform's.
    /// </summary>
    public static Process StartDetached(string dotnet, IReadOnlyList<string> arguments, string logPath, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(SetsidPath) { UseShellExecute = false };
        AddEnvironment(info, environment);
        info.ArgumentList.Add("/bin/sh");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("log=$1; shift; exec \"$@\" >>\"$log\" 2>&1 </dev/null");
        info.ArgumentList.Add("sh");
        info.ArgumentList.Add(logPath);
        info.ArgumentList.Add(dotnet);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("Process.Start returned no process for " + SetsidPath);
    }

    /// <summary>
    /// The platform's RabbitMQ URL from <c>func up --broker-url</c> (the platform's <c>broker.rabbitmq-url</c>, with
    /// <c>broker.default-class</c> rabbitmq). An environment variable rather than an argument: arguments are visible to
    /// every user in <c>ps</c>, and the URL may hold a password. Function instances never inherit it (they get an
    /// allow-listed environment only).
    /// </summary>
    public const string BrokerUrlVariable = "SERVERLESS_BROKER_URL";

    private static void AddEnvironment(ProcessStartInfo info, IReadOnlyDictionary<string, string>? environment)
    {
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
    }
}
