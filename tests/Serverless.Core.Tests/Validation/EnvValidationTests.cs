using Serverless.Core.Api;
using Serverless.Core.Tests.Builders;
using Serverless.Core.Validation;
using static Serverless.Core.Tests.Builders.TestFunctions;

namespace Serverless.Core.Tests.Validation;

public sealed class EnvValidationTests
{
    public static TheoryData<string, string, string?, string?, string?> Entries => new()
    {
        // label, name, value, expected field, expected message part
        { "plain", "GREETING", "hello", null, null },
        { "underscore start", "_private", "x", null, null },
        { "lower case", "log_level", "debug", null, null },
        { "null value", "EMPTY", null, null, null },
        { "newline in value (PEM)", "CERT", "-----BEGIN-----\nabc\n-----END-----\n", null, null },
        { "shell text in value is just data", "CMD", "$(reboot); rm -rf /", null, null },
        { "32 KiB value", "BIG", new string('x', 32 * 1024), null, null },
        { "NUL in value", "BAD", "a\0b", "spec.env[0].value", "must not contain NUL" },
        { "value over 32 KiB", "BIG", new string('x', 32 * 1024 + 1), "spec.env[0].value", "must be no more than 32768 bytes (got 32769)" },
        { "value over 32 KiB in UTF-8 bytes", "BIG", new string('é', 16 * 1024 + 1), "spec.env[0].value", "(got 32770)" },
        { "leading digit", "1ABC", "x", "spec.env[0].name", "must be a C identifier" },
        { "dash", "MY-VAR", "x", "spec.env[0].name", "must be a C identifier" },
        { "equals sign", "A=B", "x", "spec.env[0].name", "must be a C identifier" },
        { "shell injection", "a;rm -rf /", "x", "spec.env[0].name", "(got \"a;rm -rf /\")" },
        { "newline in name", "A\nB", "x", "spec.env[0].name", "(got \"A\\u000aB\")" },
        { "trailing newline in name", "PATH_X\n", "x", "spec.env[0].name", "must be a C identifier" },
        { "empty name", "", "x", "spec.env[0].name", "is required" },
        { "reserved PORT", "PORT", "1", "spec.env[0].name", "\"PORT\" is reserved by the platform" },
        { "reserved FUNCTION_PATH", "FUNCTION_PATH", "/", "spec.env[0].name", "is reserved by the platform" },
        { "reserved HANDLER", "HANDLER", "x", "spec.env[0].name", "is reserved by the platform" },
        { "reserved CONTAINER_CONCURRENCY", "CONTAINER_CONCURRENCY", "1", "spec.env[0].name", "is reserved by the platform" },
        { "reserved FUNCTION_TIMEOUT", "FUNCTION_TIMEOUT", "1", "spec.env[0].name", "is reserved by the platform" },
        { "reserved INSTANCE_ID (issue #14: was silently overwritten)", "INSTANCE_ID", "mine", "spec.env[0].name", "\"INSTANCE_ID\" is reserved by the platform" },
        { "reserved HOST (the runtime's listen address)", "HOST", "0.0.0.0", "spec.env[0].name", "is reserved by the platform" },
        { "reserved K_SERVICE, as in Knative", "K_SERVICE", "x", "spec.env[0].name", "is reserved by the platform" },
        { "reserved K_REVISION, as in Knative", "K_REVISION", "x", "spec.env[0].name", "is reserved by the platform" },
        { "reserved PLATFORM_PORT (issue #16: the probes' port)", "PLATFORM_PORT", "1", "spec.env[0].name", "is reserved by the platform" },
        { "reserved FUNCTION_NAMESPACE (issue #16: a metric label)", "FUNCTION_NAMESPACE", "x", "spec.env[0].name", "is reserved by the platform" },
        { "reserved prefix", "SERVERLESS_HOME", "/tmp", "spec.env[0].name", "is reserved by the platform" },
        { "reserved check is case-sensitive", "port", "1", null, null },
    };

    [Theory]
    [MemberData(nameof(Entries))]
    public void Validate_EnvEntry_ChecksNameAndValue(string label, string name, string? value, string? field, string? expected)
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function("default", "hello", WithEnv(name, value)));

        ValidationAssert.Row(label, errors, field, expected);
    }

    [Fact]
    public void Validate_DuplicateName_ReportsTheSecondOccurrence()
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function(
            "default", "hello", WithEnv("A", "1"), WithEnv("B", "2"), WithEnv("A", "3")));

        var error = Assert.Single(errors);
        Assert.Equal("spec.env[2].name: duplicate name \"A\"", error.ToString());
    }

    [Fact]
    public void Validate_NullEntry_IsRequired()
    {
        var fn = TestFunctions.Function("default", "hello", WithEnv("A", "1"));
        fn.Spec.Env!.Add(null!);

        var errors = FunctionValidator.Validate(fn);

        ValidationAssert.HasError(errors, "spec.env[1]", "is required");
    }

    [Theory]
    [InlineData("100 entries", 100, true)]
    [InlineData("101 entries", 101, false)]
    public void Validate_EnvCount_IsAtMost100(string label, int count, bool valid)
    {
        var options = Enumerable.Range(0, count).Select(i => WithEnv("VAR_" + i, "x")).ToArray();

        var errors = FunctionValidator.Validate(TestFunctions.Function("default", "hello", options));

        Assert.False(string.IsNullOrEmpty(label));
        if (valid)
        {
            ValidationAssert.Valid(errors);
        }
        else
        {
            ValidationAssert.HasError(errors, "spec.env", "must have at most 100 entries (got 101)");
        }
    }
}
