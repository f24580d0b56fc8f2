using Serverless.Core.Api;
using Serverless.Core.Workloads;

namespace Serverless.Core.Tests.Workloads;

public sealed class StartupVariablesTests
{
    [Theory]
    // Every runtime: the dynamic loader and the C library.
    [InlineData(RuntimeNames.Dotnet, "LD_PRELOAD", true)]
    [InlineData(RuntimeNames.Node, "LD_LIBRARY_PATH", true)]
    [InlineData(RuntimeNames.Python, "MALLOC_ARENA_MAX", true)]
    [InlineData(RuntimeNames.Python, "GLIBC_TUNABLES", true)]
    [InlineData(RuntimeNames.Dotnet, "TZ", true)] // read once, cached
    [InlineData(RuntimeNames.Python, "TZ", true)] // the time module reads it at import
    [InlineData(RuntimeNames.Node, "TZ", false)] // Node follows an assignment to process.env.TZ
    [InlineData(RuntimeNames.Dotnet, "OPENSSL_CONF", true)] // OpenSSL's own, read when it initializes
    [InlineData(RuntimeNames.Node, "OPENSSL_CONF", true)]
    [InlineData(RuntimeNames.Python, "OPENSSL_ia32cap", true)]
    [InlineData(RuntimeNames.Dotnet, "LANG", true)] // the locale: ICU's default culture, taken once
    [InlineData(RuntimeNames.Dotnet, "LC_ALL", true)]
    [InlineData(RuntimeNames.Node, "LANG", true)]
    [InlineData(RuntimeNames.Node, "LC_NUMERIC", true)]
    [InlineData(RuntimeNames.Node, "LANGUAGE", true)]
    [InlineData(RuntimeNames.Dotnet, "LC_", false)]
    [InlineData(RuntimeNames.Dotnet, "SSL_CERT_FILE", true)] // .NET's native trust store reads getenv, not the managed copy
    [InlineData(RuntimeNames.Dotnet, "SSL_CERT_DIR", true)]
    [InlineData(RuntimeNames.Python, "SSL_CERT_FILE", false)] // os.environ writes through; read per SSL context
    [InlineData(RuntimeNames.Node, "SSL_CERT_DIR", false)] // Node's bundled store unless NODE_OPTIONS says otherwise
    // .NET: the host's and the runtime's knobs.
    [InlineData(RuntimeNames.Dotnet, "DOTNET_gcServer", true)]
    [InlineData(RuntimeNames.Dotnet, "DOTNET_TieredPGO", true)]
    [InlineData(RuntimeNames.Dotnet, "COMPlus_GCHeapHardLimit", true)]
    [InlineData(RuntimeNames.Dotnet, "CORECLR_ENABLE_PROFILING", true)]
    [InlineData(RuntimeNames.Dotnet, "DOTNET_", false)] // a bare prefix names nothing
    [InlineData(RuntimeNames.Dotnet, "dotnet_gcServer", false)] // Linux names are case-sensitive; .NET reads DOTNET_
    [InlineData(RuntimeNames.Dotnet, "ASPNETCORE_ENVIRONMENT", false)] // configuration, read again at specialization
    [InlineData(RuntimeNames.Dotnet, "NODE_OPTIONS", false)]
    [InlineData(RuntimeNames.Dotnet, "PYTHONHASHSEED", false)]
    // Node: its own start-up variables, not the program's.
    [InlineData(RuntimeNames.Node, "NODE_OPTIONS", true)]
    [InlineData(RuntimeNames.Node, "NODE_PATH", true)]
    [InlineData(RuntimeNames.Node, "NODE_EXTRA_CA_CERTS", true)]
    [InlineData(RuntimeNames.Node, "UV_THREADPOOL_SIZE", true)]
    [InlineData(RuntimeNames.Node, "NODE_ENV", false)] // the program reads process.env.NODE_ENV when it likes
    [InlineData(RuntimeNames.Node, "DOTNET_gcServer", false)]
    // Python: the interpreter's PYTHON* variables and the locale.
    [InlineData(RuntimeNames.Python, "PYTHONHASHSEED", true)]
    [InlineData(RuntimeNames.Python, "PYTHONPATH", true)]
    [InlineData(RuntimeNames.Python, "PYTHONUNBUFFERED", true)]
    [InlineData(RuntimeNames.Python, "LC_ALL", true)]
    [InlineData(RuntimeNames.Python, "LANG", true)]
    [InlineData(RuntimeNames.Python, "NODE_OPTIONS", false)]
    // The function's own variables.
    [InlineData(RuntimeNames.Python, "GREETING", false)]
    [InlineData(RuntimeNames.Dotnet, "DATABASE_URL", false)]
    [InlineData(RuntimeNames.Node, "API_KEY", false)]
    [InlineData("ruby", "DOTNET_gcServer", false)] // a runtime this table does not know: only the common ones
    [InlineData("ruby", "LD_PRELOAD", true)]
    public void IsStartupVariable(string runtime, string name, bool expected) =>
        Assert.Equal(expected, StartupVariables.IsStartupVariable(runtime, name));

    [Fact]
    public void FirstIn_NamesTheFirstStartupVariable_OrNull()
    {
        Assert.Equal("NODE_OPTIONS", StartupVariables.FirstIn(RuntimeNames.Node, ["NODE_ENV", "NODE_OPTIONS", "UV_THREADPOOL_SIZE"]));
        Assert.Null(StartupVariables.FirstIn(RuntimeNames.Node, ["NODE_ENV", "GREETING"]));
        Assert.Null(StartupVariables.FirstIn(RuntimeNames.Dotnet, []));
    }

    [Fact]
    public void Reason_NamesTheVariableAndTheRuntime() =>
        Assert.Equal(
            "env DOTNET_gcServer is read by the dotnet runtime only when its process starts, which a pooled instance did before the function was known",
            StartupVariables.Reason(RuntimeNames.Dotnet, "DOTNET_gcServer"));
}
