using System.Text.Json;
using Serverless.Runtime.Dotnet.Tests.Support;

namespace Serverless.Runtime.Dotnet.Tests.Hosting;

/// <summary>The runtime settings the built host starts with, which no code of the runtime can set once it runs.</summary>
public sealed class RuntimeConfigTests
{
    /// <summary>
    /// Idle thread-pool workers wait without spinning (bench/activator: a split across two instances at 0.82–0.87 of one
    /// instance's rate with spinning, 0.97–0.98 without, on 2 cores), the GC is the small workstation one, and
    /// globalization is ICU's (functions get the cultures any .NET app has; invariant mode refused them).
    /// </summary>
    [Fact]
    public void BuiltRuntime_StartsWithoutThreadPoolSpinning_TheWorkstationGc_AndCultures()
    {
        var config = Path.ChangeExtension(RuntimeProcess.RuntimeDll, ".runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(config));
        var properties = document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.Equal(0, properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.False(properties.GetProperty("System.GC.Concurrent").GetBoolean());
        Assert.False(properties.TryGetProperty("System.Globalization.Invariant", out var invariant) && invariant.GetBoolean());
    }
}
