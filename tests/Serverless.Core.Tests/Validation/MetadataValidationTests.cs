using Serverless.Core.Api;
using Serverless.Core.Tests.Builders;
using Serverless.Core.Validation;
using static Serverless.Core.Tests.Builders.TestFunctions;

namespace Serverless.Core.Tests.Validation;

public sealed class MetadataValidationTests
{
    public static TheoryData<string, string?, string?> Names => new()
    {
        // label, name, expected message part (null: valid)
        { "simple", "hello", null },
        { "digits and dashes", "a-1-b", null },
        { "single character", "a", null },
        { "63 characters", new string('a', 63), null },
        { "64 characters", new string('a', 64), "must be no more than 63 characters (got 64)" },
        { "upper case", "Hello", "lowercase RFC 1123 label" },
        { "path traversal", "../etc", "(got \"../etc\")" },
        { "shell injection", "a;rm -rf /", "lowercase RFC 1123 label" },
        { "command substitution", "$(reboot)", "lowercase RFC 1123 label" },
        { "leading dash", "-hello", "lowercase RFC 1123 label" },
        { "trailing dash", "hello-", "lowercase RFC 1123 label" },
        { "dot", "hello.world", "lowercase RFC 1123 label" },
        { "trailing newline", "hello\n", "(got \"hello\\u000a\")" },
        { "NUL", "hel\0lo", "(got \"hel\\u0000lo\")" },
        { "empty", "", "is required" },
        { "missing", null, "is required" },
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Validate_MetadataName_ChecksDns1123Label(string label, string? name, string? expected)
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function("default", "placeholder", WithName(name)));

        Assert.False(string.IsNullOrEmpty(label));
        if (expected is null)
        {
            ValidationAssert.Valid(errors);
        }
        else
        {
            ValidationAssert.HasError(errors, "metadata.name", expected);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Validate_MetadataNamespace_ChecksDns1123Label(string label, string? ns, string? expected)
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function("placeholder", "hello", WithNamespace(ns)));

        Assert.False(string.IsNullOrEmpty(label));
        if (expected is null)
        {
            ValidationAssert.Valid(errors);
        }
        else
        {
            ValidationAssert.HasError(errors, "metadata.namespace", expected);
        }
    }

    public static TheoryData<string, string, string, string?, string?> Labels => new()
    {
        // label, key, value, expected field, expected message part
        { "plain", "app", "hello", null, null },
        { "prefixed key", "serverless.dev/function", "hello", null, null },
        { "empty value", "tier", "", null, null },
        { "value with dots, dashes, underscores", "v", "A.b-c_d", null, null },
        { "63-character name part", new string('k', 63), "v", null, null },
        { "64-character name part", new string('k', 64), "v", "metadata.labels", "name part must be no more than 63 characters (got 64)" },
        { "upper-case prefix", "Example.com/app", "v", "metadata.labels", "prefix part" },
        { "empty name after prefix", "example.com/", "v", "metadata.labels", "name part" },
        { "two slashes", "a/b/c", "v", "metadata.labels", "name part" },
        { "space in key", "my app", "v", "metadata.labels", "name part" },
        { "value with space", "app", "hello world", "metadata.labels[app]", "label value" },
        { "value with newline", "app", "hello\n", "metadata.labels[app]", "(got \"hello\\u000a\")" },
        { "64-character value", "app", new string('v', 64), "metadata.labels[app]", "no more than 63 characters (got 64)" },
        { "value ending in dash", "app", "hello-", "metadata.labels[app]", "label value" },
    };

    [Theory]
    [MemberData(nameof(Labels))]
    public void Validate_Labels_UseKubernetesKeyAndValueSyntax(string label, string key, string value, string? field, string? expected)
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function("default", "hello", WithLabel(key, value)));

        ValidationAssert.Row(label, errors, field, expected);
    }

    [Fact]
    public void Validate_AnnotationValues_AcceptAnyText()
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function(
            "default", "hello", WithAnnotation("example.com/note", "any text: spaces, $(quotes) \"and\"\nnewlines")));

        ValidationAssert.Valid(errors);
    }

    [Fact]
    public void Validate_AnnotationKey_UsesQualifiedNameSyntax()
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function("default", "hello", WithAnnotation("bad key", "v")));

        ValidationAssert.HasError(errors, "metadata.annotations", "key \"bad key\"");
    }

    [Theory]
    [InlineData("exactly 256 KiB", 256 * 1024, true)]
    [InlineData("one byte over 256 KiB", 256 * 1024 + 1, false)]
    public void Validate_AnnotationsTotalSize_IsAtMost256KiB(string label, int totalBytes, bool valid)
    {
        const string Key = "example.com/blob";
        var errors = FunctionValidator.Validate(TestFunctions.Function(
            "default", "hello", WithAnnotation(Key, new string('x', totalBytes - Key.Length))));

        Assert.False(string.IsNullOrEmpty(label));
        if (valid)
        {
            ValidationAssert.Valid(errors);
        }
        else
        {
            ValidationAssert.HasError(errors, "metadata.annotations", $"must have at most 262144 bytes in total (got {totalBytes})");
        }
    }
}
