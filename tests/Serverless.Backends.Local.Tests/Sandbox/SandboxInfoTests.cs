using Serverless.Backends.Local.Sandbox;

namespace Serverless.Backends.Local.Tests.Sandbox;

public sealed class SandboxInfoTests
{
    [Theory]
    [InlineData("{\n    \"child-pid\": 9453,\n    \"ipc-namespace\": 4026532176,\n    \"mnt-namespace\": 4026532174\n}\n", 9453)]
    [InlineData("{\"child-pid\": 1}", 1)]
    [InlineData("", null)] // bubblewrap failed before it wrote anything
    [InlineData("{\"child-pid\": 0}", null)]
    [InlineData("{\"child-pid\": \"12\"}", null)]
    [InlineData("{\"other\": 3}", null)]
    [InlineData("[1]", null)]
    [InlineData("{\"child-pid\": 12", null)] // cut short
    public void ParseChildPid_Document_PidOrNull(string text, int? expected)
    {
        Assert.Equal(expected, SandboxInfo.ParseChildPid(text));
    }
}
