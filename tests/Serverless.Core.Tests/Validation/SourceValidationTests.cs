using Serverless.Core.Tests.Builders;
using Serverless.Core.Validation;
using static Serverless.Core.Tests.Builders.TestFunctions;

namespace Serverless.Core.Tests.Validation;

public sealed class SourceValidationTests
{
    public static TheoryData<string, string, string?> Paths => new()
    {
        // label, source.path, expected message part (null: valid)
        { "absolute", "/srv/functions/hello", null },
        { "dots inside names", "/srv/fn.v1/a..b/.hidden", null },
        { "relative", "functions/hello", "must be an absolute path" },
        { "parent traversal", "../etc", "must be an absolute path" },
        { "absolute with ..", "/srv/functions/../../etc", "no empty, '.' or '..' segments" },
        { "absolute with .", "/srv/./hello", "no empty, '.' or '..' segments" },
        { "double slash", "/srv//hello", "no empty, '.' or '..' segments" },
        { "trailing slash", "/srv/hello/", "must not end with '/'" },
        { "root", "/", "must not be the root directory" },
        { "NUL", "/srv/hel\0lo", "must not contain control characters or NUL (got \"/srv/hel\\u0000lo\")" },
        { "newline", "/srv/hello\n", "control characters" },
        { "empty", "", "must not be empty" },
        { "too long", "/" + new string('a', 4096), "must be no more than 4096 characters (got 4097)" },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public void Validate_SourcePath_MustBeAbsoluteAndNormalized(string label, string path, string? expected)
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function("default", "hello", WithSource(path: path)));

        Assert.False(string.IsNullOrEmpty(label));
        if (expected is null)
        {
            ValidationAssert.Valid(errors);
        }
        else
        {
            ValidationAssert.HasError(errors, "spec.source.path", expected);
        }
    }

    public static TheoryData<string, string, string?> ConfigMaps => new()
    {
        { "label", "hello-code", null },
        { "subdomain", "hello.code.v1", null },
        { "253 characters", string.Join(".", Enumerable.Repeat(new string('a', 63), 4))[..253], null },
        { "254 characters", new string('a', 254), "must be no more than 253 characters (got 254)" },
        { "upper case", "Hello", "lowercase RFC 1123 subdomain" },
        { "path traversal", "../etc", "lowercase RFC 1123 subdomain" },
        { "underscore", "hello_code", "lowercase RFC 1123 subdomain" },
    };

    [Theory]
    [MemberData(nameof(ConfigMaps))]
    public void Validate_SourceConfigMap_MustBeDnsSubdomain(string label, string configMap, string? expected)
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function("default", "hello", WithSource(configMap: configMap)));

        Assert.False(string.IsNullOrEmpty(label));
        if (expected is null)
        {
            ValidationAssert.Valid(errors);
        }
        else
        {
            ValidationAssert.HasError(errors, "spec.source.configMap", expected);
        }
    }

    [Fact]
    public void Validate_BothPathAndConfigMap_IsRefused()
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function("default", "hello", WithSource("/srv/hello", "hello")));

        ValidationAssert.HasError(errors, "spec.source", "exactly one of path or configMap");
    }

    [Theory]
    [InlineData("no source object", false)]
    [InlineData("empty source object", true)]
    public void Validate_NoSourceAndNoImage_IsRefused(string label, bool emptyObject)
    {
        var fn = TestFunctions.Function("default", "hello", emptyObject ? WithSource() : WithoutSource());

        var errors = FunctionValidator.Validate(fn);

        Assert.False(string.IsNullOrEmpty(label));
        ValidationAssert.HasError(errors, "spec.source", "must set one of path or configMap (or set spec.image)");
    }

    [Fact]
    public void Validate_NoSourceWithImage_IsValid()
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function("default", "hello", WithoutSource(), WithImage("hello:1")));

        ValidationAssert.Valid(errors);
    }
}
