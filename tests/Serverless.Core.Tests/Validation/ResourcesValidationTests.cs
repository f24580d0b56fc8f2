using k8s.Models;
using Serverless.Core.Tests.Builders;
using Serverless.Core.Validation;
using static Serverless.Core.Tests.Builders.TestFunctions;

namespace Serverless.Core.Tests.Validation;

public sealed class ResourcesValidationTests
{
    public static TheoryData<string, Dictionary<string, string>?, Dictionary<string, string>?, string?, string?> Cases => new()
    {
        // label, requests, limits, expected field, expected message part
        { "cpu and memory", new() { ["cpu"] = "100m", ["memory"] = "128Mi" }, new() { ["cpu"] = "1", ["memory"] = "256Mi" }, null, null },
        { "ephemeral storage", new() { ["ephemeral-storage"] = "1Gi" }, null, null, null },
        { "limit equals request in other units", new() { ["cpu"] = "500m" }, new() { ["cpu"] = "0.5" }, null, null },
        { "limit only", null, new() { ["memory"] = "1G" }, null, null },
        { "unknown resource", new() { ["nvidia.com/gpu"] = "1" }, null, "spec.resources.requests[nvidia.com/gpu]", "unsupported value \"nvidia.com/gpu\": supported values: \"cpu\", \"memory\", \"ephemeral-storage\"" },
        { "zero request", new() { ["cpu"] = "0" }, null, "spec.resources.requests[cpu]", "must be greater than 0 (got 0)" },
        { "negative limit", null, new() { ["memory"] = "-1Mi" }, "spec.resources.limits[memory]", "must be greater than 0" },
        { "limit below request", new() { ["memory"] = "256Mi" }, new() { ["memory"] = "128Mi" }, "spec.resources.limits[memory]", "must be greater than or equal to the request (256Mi) (got 128Mi)" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_Resources_ChecksKeysQuantitiesAndOrder(
        string label, Dictionary<string, string>? requests, Dictionary<string, string>? limits, string? field, string? expected)
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function("default", "hello", WithResources(requests, limits)));

        ValidationAssert.Row(label, errors, field, expected);
    }

    [Fact]
    public void Validate_NullQuantity_IsRequired()
    {
        var fn = TestFunctions.Function("default", "hello");
        fn.Spec.Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = null! } };

        var errors = FunctionValidator.Validate(fn);

        ValidationAssert.HasError(errors, "spec.resources.limits[cpu]", "is required");
    }

    [Fact]
    public void Validate_ResourceClaims_AreRefused()
    {
        var fn = TestFunctions.Function("default", "hello");
        fn.Spec.Resources = new V1ResourceRequirements { Claims = [new Corev1ResourceClaim { Name = "gpu" }] };

        var errors = FunctionValidator.Validate(fn);

        ValidationAssert.HasError(errors, "spec.resources.claims", "not supported");
    }
}
