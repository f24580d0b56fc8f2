using Serverless.Cli.Build;

namespace Serverless.Cli.Tests.Build;

/// <summary>The code and project a native build generates, and the warnings it shows (pure parts; the build itself runs in NativeFunctionTests).</summary>
public sealed class NativeFunctionBuildTests
{
    [Theory]
    [InlineData("static", "Function.Handler", "Handle", true, "endpoints.Map(\"/\", global::@Function.@Handler.@Handle)")]
    [InlineData("instance", "Function.Handler", "Handle", false, "endpoints.Map(\"/\", ((global::@Function.@Handler)instance).@Handle)")]
    [InlineData("nested type", "A.Outer+Inner", "Run", true, "endpoints.Map(\"/\", global::@A.@Outer.@Inner.@Run)")]
    [InlineData("keyword names stay names", "event.class", "return", true, "endpoints.Map(\"/\", global::@event.@class.@return)")]
    public void HostProgram_Handler_MapsItWithVerbatimNames(string label, string type, string method, bool isStatic, string expected)
    {
        var program = NativeFunctionBuild.HostProgram($"A::{type}::{method}", type, method, isStatic);

        Assert.True(program.Contains(expected, StringComparison.Ordinal), $"{label}: {program}");
        Assert.Contains("LinkedFunction.RunAsync(", program);
    }

    [Fact]
    public void HostProject_PathsWithXmlCharacters_EscapedAndAssemblyRooted()
    {
        var project = NativeFunctionBuild.HostProject("/src/a&b/<Fn>.csproj", "/kit", "My.Fn");

        Assert.Contains("<ProjectReference Include=\"/src/a&amp;b/&lt;Fn&gt;.csproj\" />", project);
        Assert.Contains("<Reference Include=\"/kit/Serverless.Runtime.Dotnet.dll\" />", project);
        Assert.Contains("<TrimmerRootAssembly Include=\"My.Fn\" />", project);
        Assert.Contains("<PublishAot>true</PublishAot>", project);
        Assert.Contains("<AssemblyName>serverless-function</AssemblyName>", project);
        // The runtime's own settings (its project; RuntimeConfigTests): no thread-pool spinning, the workstation GC,
        // cultures through ICU.
        Assert.Contains("<RuntimeHostConfigurationOption Include=\"System.Threading.ThreadPool.UnfairSemaphoreSpinLimit\" Value=\"0\" />", project);
        Assert.Contains("<ServerGarbageCollection>false</ServerGarbageCollection>", project);
        Assert.Contains("<InvariantGlobalization>false</InvariantGlobalization>", project);
    }

    [Fact]
    public void AotWarnings_BuildOutput_OnlyTheFunctionsOwnOncePathsRelative()
    {
        string[] output =
        [
            "  Determining projects to restore...",
            "/fn/Handler.cs(22): Trim analysis warning IL2026: Fn.Handler.Handle(): Using member 'X' [/tmp/host/NativeFunction.csproj]",
            "/fn/Handler.cs(22): Trim analysis warning IL2026: Fn.Handler.Handle(): Using member 'X' [/tmp/host/NativeFunction.csproj]",
            "/fn/Sub/Other.cs(3): AOT analysis warning IL3050: Fn.Other.Go(): Using member 'Y' [/tmp/host/NativeFunction.csproj]",
            "/kit/../runtimes/dotnet/Loading/HandlerLoader.cs(95): Trim analysis warning IL2026: runtime's own",
            "/fn-other/Handler.cs(1): Trim analysis warning IL2026: a sibling directory, not the function",
            "/fn/Handler.cs(5): warning CS0168: not a trimming warning",
        ];

        var warnings = NativeFunctionBuild.AotWarnings(output, "/fn");

        Assert.Equal(
            [
                "Handler.cs(22): Trim analysis warning IL2026: Fn.Handler.Handle(): Using member 'X'",
                "Sub/Other.cs(3): AOT analysis warning IL3050: Fn.Other.Go(): Using member 'Y'",
            ],
            warnings);
    }

    [Fact]
    public void AotWarnings_ManyWarnings_TenShownAndTheRestCounted()
    {
        var output = Enumerable.Range(1, 14).Select(i => $"/fn/H.cs({i}): Trim analysis warning IL2026: m{i}").ToList();

        var warnings = NativeFunctionBuild.AotWarnings(output, "/fn/");

        Assert.Equal(11, warnings.Count);
        Assert.Equal("... and 4 more", warnings[^1]);
    }
}
