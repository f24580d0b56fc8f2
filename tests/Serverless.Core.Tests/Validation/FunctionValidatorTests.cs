using Serverless.Core.Api;
using Serverless.Core.Tests.Builders;
using Serverless.Core.Validation;
using static Serverless.Core.Tests.Builders.TestFunctions;

namespace Serverless.Core.Tests.Validation;

public sealed class FunctionValidatorTests
{
    public static TheoryData<string, Action<Function>> ValidFunctions => new()
    {
        { "node with local source", _ => { } },
        { "python", WithRuntime(RuntimeNames.Python, "pkg.module:handle") },
        { "dotnet", WithRuntime(RuntimeNames.Dotnet, "Hello::Hello.Function::Handle") },
        { "configMap source", WithSource(configMap: "hello-code.v1") },
        {
            "image only, no runtime, no source",
            fn =>
            {
                WithRuntime(null, null)(fn);
                WithoutSource()(fn);
                WithImage("registry.example.com:5000/team/hello:1.0")(fn);
            }
        },
        { "image with runtime and no handler", fn => { WithImage("hello")(fn); WithHandler(null)(fn); } },
        { "timeout 1", WithTimeoutSeconds(1) },
        { "timeout 3600", WithTimeoutSeconds(3600) },
    };

    [Theory]
    [MemberData(nameof(ValidFunctions))]
    public void Validate_ValidFunction_ReturnsNoErrors(string label, Action<Function> option)
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function("default", "hello", option));

        Assert.True(errors.Count == 0, $"{label}: " + string.Join("; ", errors));
    }

    public static TheoryData<string, Action<Function>, string, string> InvalidFunctions => new()
    {
        { "unknown runtime", WithRuntime("ruby", "main:handle"), "spec.runtime", "unsupported value \"ruby\": supported values: \"dotnet\", \"node\", \"python\"" },
        { "no runtime and no image", WithRuntime(null, null), "spec.runtime", "is required unless spec.image is set" },
        { "dotnet without handler", WithRuntime(RuntimeNames.Dotnet, null), "spec.handler", "is required for runtime \"dotnet\"" },
        { "node without handler (not defaulted)", WithHandler(null), "spec.handler", "is required" },
        { "timeout 0", WithTimeoutSeconds(0), "spec.timeoutSeconds", "must be between 1 and 3600 (got 0)" },
        { "timeout negative", WithTimeoutSeconds(-5), "spec.timeoutSeconds", "must be between 1 and 3600 (got -5)" },
        { "timeout above an hour", WithTimeoutSeconds(3601), "spec.timeoutSeconds", "must be between 1 and 3600 (got 3601)" },
        { "body of another kind", fn => fn.Kind = "Trigger", "kind", "unsupported value \"Trigger\": supported values: \"Function\"" },
        { "other api version", fn => fn.ApiVersion = "serverless.dev/v1", "apiVersion", "supported values: \"serverless.dev/v1alpha1\"" },
        { "api version missing", fn => fn.ApiVersion = null!, "apiVersion", "unsupported value \"\"" },
    };

    [Theory]
    [MemberData(nameof(InvalidFunctions))]
    public void Validate_InvalidFunction_ReportsFieldAndMessage(string label, Action<Function> option, string field, string message)
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function("default", "hello", option));

        Assert.False(string.IsNullOrEmpty(label));
        ValidationAssert.HasError(errors, field, message);
    }

    [Fact]
    public void Validate_UnknownRuntime_GivesExactKubernetesStyleMessage()
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function("default", "hello", WithRuntime("ruby", null)));

        var error = Assert.Single(errors);
        Assert.Equal("spec.runtime: unsupported value \"ruby\": supported values: \"dotnet\", \"node\", \"python\"", error.ToString());
    }

    [Fact]
    public void Validate_ManyProblems_ReportsEveryOneAtOnce()
    {
        var fn = TestFunctions.Function(
            "Bad_NS",
            "../etc",
            WithRuntime(RuntimeNames.Node, "a;rm -rf /"),
            WithSource(path: "relative/dir"),
            WithEnv("PORT", "1"),
            WithEnv("1BAD", "x"),
            WithTimeoutSeconds(0),
            WithMinScale(3),
            WithMaxScale(2),
            WithTargetUtilization(1.5));

        var errors = FunctionValidator.Validate(fn);

        Assert.Equal(
            [
                "metadata.name",
                "metadata.namespace",
                "spec.handler",
                "spec.source.path",
                "spec.env[0].name",
                "spec.env[1].name",
                "spec.timeoutSeconds",
                "spec.scale.maxScale",
                "spec.scale.targetUtilization",
            ],
            errors.Select(e => e.Field));
        Assert.Contains(errors, e => e.ToString() == "spec.scale.maxScale: must be >= minScale (3)");
    }

    [Fact]
    public void Validate_NullSpecAndMetadata_ReportsRequiredWithoutThrowing()
    {
        var fn = new Function { Metadata = null!, Spec = null! };

        var errors = FunctionValidator.Validate(fn);

        Assert.Equal(["metadata: is required", "spec: is required"], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Validate_NullFunction_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => FunctionValidator.Validate(null!));
    }
}
