using Serverless.Core.Api;

namespace Serverless.Core.Workloads;

/// <summary>
/// Environment variables a runtime reads only when its process starts. A warm pool's instance was started before its
/// function was known and is given the function's <c>env</c> at specialization, inside the running process: a
/// variable of this kind would be there for the function's code to read and have no effect on the runtime
/// (<c>DOTNET_gcServer</c>, <c>NODE_OPTIONS</c>, <c>PYTHONHASHSEED</c>, <c>LD_PRELOAD</c>). A function that sets one
/// starts an instance of its own, as without a pool, so its environment means what it says. Pure.
/// </summary>
public static class StartupVariables
{
    // Every runtime: the dynamic loader and the C library read theirs before main; OpenSSL reads its configuration and
    // CPU-capability variables when it initializes, which every runtime has done by the time it idles in a pool (.NET
    // never, see below; Node at start; Python's runtime imports hashlib). The locale: ICU, which gives C# and Node their
    // default culture, and Python's standard streams take it once, at start (checked: LANG set inside a running Node
    // process leaves Intl's locale as it was).
    private static readonly string[] AnyRuntimePrefixes = ["LD_", "MALLOC_", "GLIBC_", "OPENSSL_", "LC_"];
    private static readonly string[] AnyRuntimeNames = ["LANG", "LANGUAGE"];

    // The .NET host and runtime read their knobs at start (the GC, the JIT, the thread pool, globalization); the local
    // time zone is read once and cached. And on Unix, .NET's Environment.SetEnvironmentVariable, which applies a pooled
    // instance's env, changes only the managed copy: what native code reads with getenv never sees it, such as the
    // trust store's SSL_CERT_FILE and SSL_CERT_DIR (System.Security.Cryptography.Native). Node, by contrast, follows an
    // assignment to process.env.TZ, and Python's os.environ writes through to the native environment.
    private static readonly string[] DotnetPrefixes = ["DOTNET_", "COMPlus_", "CORECLR_"];
    private static readonly string[] DotnetNames = ["TZ", "SSL_CERT_FILE", "SSL_CERT_DIR"];

    // Node's own start-up variables; NODE_ENV and the like are the program's to read from process.env, at any time.
    private static readonly string[] NodeNames =
    [
        "NODE_OPTIONS", "NODE_PATH", "NODE_EXTRA_CA_CERTS", "NODE_ICU_DATA", "NODE_PRESERVE_SYMLINKS",
        "NODE_PRESERVE_SYMLINKS_MAIN", "NODE_REDIRECT_WARNINGS", "NODE_PENDING_DEPRECATION", "NODE_V8_COVERAGE",
        "NODE_NO_WARNINGS", "NODE_COMPILE_CACHE", "UV_THREADPOOL_SIZE", "UV_USE_IO_URING",
    ];

    // Every PYTHON* variable is the interpreter's, read at start (sys.path, hash seed, I/O encoding, optimization); the
    // time module reads TZ at import.
    private static readonly string[] PythonPrefixes = ["PYTHON"];
    private static readonly string[] PythonNames = ["TZ"];

    /// <summary>The first of <paramref name="names"/> that <paramref name="runtime"/> reads only at start, or null.</summary>
    public static string? FirstIn(string runtime, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (var name in names)
        {
            if (IsStartupVariable(runtime, name))
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="runtime"/> reads <paramref name="name"/> only when its process starts.</summary>
    public static bool IsStartupVariable(string runtime, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (HasPrefix(name, AnyRuntimePrefixes) || AnyRuntimeNames.Contains(name, StringComparer.Ordinal))
        {
            return true;
        }

        return runtime switch
        {
            RuntimeNames.Dotnet => HasPrefix(name, DotnetPrefixes) || DotnetNames.Contains(name, StringComparer.Ordinal),
            RuntimeNames.Node => NodeNames.Contains(name, StringComparer.Ordinal),
            RuntimeNames.Python => HasPrefix(name, PythonPrefixes) || PythonNames.Contains(name, StringComparer.Ordinal),
            _ => false,
        };
    }

    /// <summary>Why a pooled instance cannot honour <paramref name="name"/>, for a status or a log line.</summary>
    public static string Reason(string runtime, string name) =>
        $"env {name} is read by the {runtime} runtime only when its process starts, which a pooled instance did before the function was known";

    // Ordinal: variable names are case-sensitive on Linux. .NET also reads COMPlus_ case-insensitively on Windows only.
    private static bool HasPrefix(string name, string[] prefixes) =>
        prefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal) && name.Length > prefix.Length);
}
