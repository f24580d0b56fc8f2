using System.Text;
using Serverless.Core.Workloads;
using Serverless.TestSupport;

namespace Serverless.Core.Tests.Workloads;

public sealed class NativeFunctionManifestTests
{
    [Fact]
    public void ToJson_Parse_RoundTrips()
    {
        var manifest = new NativeFunctionManifest("serverless-function", "linux-x64", "F::F.H::Handle");

        var parsed = NativeFunctionManifest.Parse(Encoding.UTF8.GetBytes(manifest.ToJson()), out var problem);

        Assert.Null(problem);
        Assert.Equal(manifest, parsed);
    }

    [Theory]
    [InlineData("not JSON", "{", "serverless-native.json: is not JSON")]
    [InlineData("an array", "[]", "serverless-native.json: must be a JSON object")]
    [InlineData("no entry", """{"runtimeIdentifier":"linux-x64","handler":"h"}""", "serverless-native.json: entry must be a file name at the artifact's root (got nothing)")]
    [InlineData("entry with a path", """{"entry":"../bin/sh","runtimeIdentifier":"linux-x64","handler":"h"}""", "serverless-native.json: entry must be a file name at the artifact's root (got \"../bin/sh\")")]
    [InlineData("entry ..", """{"entry":"..","runtimeIdentifier":"linux-x64","handler":"h"}""", "serverless-native.json: entry must be a file name")]
    [InlineData("entry not a string", """{"entry":1,"runtimeIdentifier":"linux-x64","handler":"h"}""", "serverless-native.json: entry must be a file name")]
    [InlineData("no runtime identifier", """{"entry":"f","handler":"h"}""", "serverless-native.json: runtimeIdentifier is required")]
    [InlineData("no handler", """{"entry":"f","runtimeIdentifier":"linux-x64"}""", "serverless-native.json: handler is required")]
    public void Parse_Invalid_ProblemNamesTheField(string label, string json, string expected)
    {
        var parsed = NativeFunctionManifest.Parse(Encoding.UTF8.GetBytes(json), out var problem);

        Assert.Null(parsed);
        Assert.True(problem?.StartsWith(expected, StringComparison.Ordinal), $"{label}: {problem}");
    }

    [Theory]
    [InlineData("same", "linux-x64", "F::F.H::Handle", null)]
    [InlineData("other machine", "linux-arm64", "F::F.H::Handle", "the native function was compiled for linux-x64; this machine runs linux-arm64")]
    [InlineData("other handler", "linux-x64", "F::F.H::Other", "the native function was compiled for handler F::F.H::Handle, but spec.handler is F::F.H::Other")]
    public void Mismatch_MachineAndHandler_SaysWhichDiffers(string label, string rid, string handler, string? expected)
    {
        var manifest = new NativeFunctionManifest("serverless-function", "linux-x64", "F::F.H::Handle");

        var mismatch = manifest.Mismatch(rid, handler);

        Assert.True(expected is null ? mismatch is null : mismatch?.StartsWith(expected, StringComparison.Ordinal) == true, $"{label}: {mismatch}");
    }

    [Fact]
    public void Read_Directory_AbsentIsNoManifestAndNoProblem_OversizedIsAProblem()
    {
        using var directory = new TempDirectory("native-manifest");

        var absent = NativeFunctionManifest.Read(directory.Path, out var absentProblem);
        File.WriteAllText(Path.Combine(directory.Path, NativeFunctionManifest.FileName), new string(' ', 5000));
        var oversized = NativeFunctionManifest.Read(directory.Path, out var oversizedProblem);

        Assert.Null(absent);
        Assert.Null(absentProblem);
        Assert.Null(oversized);
        Assert.Equal("serverless-native.json: must be a regular file of at most 4096 bytes", oversizedProblem);
    }
}
