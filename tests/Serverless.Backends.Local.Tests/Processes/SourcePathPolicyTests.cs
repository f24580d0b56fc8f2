using Serverless.Backends.Local.Processes;

namespace Serverless.Backends.Local.Tests.Processes;

public sealed class SourcePathPolicyTests
{
    private const string Home = "/home/me/.serverless";

    /// <summary>Symlinks of the table's file system: <c>/srv/fn/link</c> points into the state directory.</summary>
    private static readonly Dictionary<string, string> Links = new(StringComparer.Ordinal)
    {
        ["/srv/fn/link"] = Home,
        ["/srv/fn/link-to-code"] = "/srv/fn/code",
        ["/home/me/.serverless/artifacts/default/hello/abc"] = "/home/me/.serverless/artifacts/default/other/abc",
        ["/srv/fn/escape"] = "/etc",
    };

    public static TheoryData<string, string, string?> Cases => new()
    {
        { "own artifact", "/home/me/.serverless/artifacts/default/hello/0123456789abcdef", null },
        { "own artifact subdirectory", "/home/me/.serverless/artifacts/default/hello/0123456789abcdef/lib", null },
        { "a listed root itself", "/srv/fn", null },
        { "below a listed root", "/srv/fn/code", null },
        { "a link within the root", "/srv/fn/link-to-code", null },
        { "relative", "code", "must be an absolute path" },
        { "system directory", "/etc", "is outside the places the local platform runs code from: the artifact store (/home/me/.serverless/artifacts/default/hello/…, where func deploy installs it) or below local.source-roots (/srv/fn)" },
        { "the state directory", Home, "is in the platform's state directory, where a function may run only its own artifacts" },
        { "the admin token's directory by ..", "/home/me/.serverless/artifacts/default/hello/../../..", "is in the platform's state directory" },
        { "another function's artifact", "/home/me/.serverless/artifacts/default/other/0123456789abcdef", "is in the platform's state directory" },
        { "its own artifact directory, not an artifact", "/home/me/.serverless/artifacts/default/hello", "is in the platform's state directory" },
        { "the root's sibling with a shared prefix", "/srv/fnx", "is outside the places" },
        { "a link out of the root into the state", "/srv/fn/link", "\"/srv/fn/link\" resolves to \"/home/me/.serverless\" is in the platform's state directory" },
        { "a link out of the root elsewhere", "/srv/fn/escape", "\"/srv/fn/escape\" resolves to \"/etc\" is outside the places" },
        { "an own artifact linking to another's", "/home/me/.serverless/artifacts/default/hello/abc", "resolves to \"/home/me/.serverless/artifacts/default/other/abc\" is in the platform's state directory" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Check_Table(string label, string path, string? expected)
    {
        var policy = new SourcePathPolicy(Home, ["/srv/fn/"], p => Links.GetValueOrDefault(p, p));

        var refused = policy.Check("default", "hello", path);

        if (expected is null)
        {
            Assert.True(refused is null, $"{label}: {refused}");
        }
        else
        {
            Assert.True(refused?.Contains(expected, StringComparison.Ordinal) == true, $"{label}: {refused}");
        }
    }

    [Fact]
    public void Check_NoRoots_SaysWhereToListOne()
    {
        var policy = new SourcePathPolicy(Home, [], p => p);

        Assert.EndsWith("to run code from a directory of your own, list it in config.json local.source-roots", policy.Check("default", "hello", "/srv/fn"));
    }
}
