using Serverless.Platform.Admin;

namespace Serverless.Platform.Tests.Admin;

public sealed class ProtobufNamespaceTests
{
    public static TheoryData<string, string, string?> Bodies => new()
    {
        // The shape kubectl v1.32 sends for `kubectl create ns team-b`: k8s\0, then runtime.Unknown{typeMeta{v1, Namespace},
        // raw=Namespace{metadata{name}, spec{}, status{}}, contentEncoding, contentType}.
        { "kubectl create ns", "6b387300 0a0f0a0276311209 4e616d657370616365 120e0a080a067465616d2d62 1200 1a00 1a00 2200", "team-b" },
        { "no magic", "0a0f0a0276311209", null },
        { "truncated length", "6b387300 12ff", null },
        { "a length past the end", "6b387300 1210 0a00", null },
        { "no raw field", "6b387300 0a0f0a0276311209 4e616d657370616365", null },
        { "an empty body", "", null },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void TryReadName_Body_TheNameOrNull(string label, string hex, string? expected)
    {
        var bytes = Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

        Assert.True(ProtobufNamespace.TryReadName(bytes) == expected, label);
    }
}
