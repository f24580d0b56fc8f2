using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Serverless.Core.Serialization;

namespace Serverless.Platform.Tests.Kubectl;

/// <summary>
/// Issue #14 item 12: unknown and duplicate fields under <c>fieldValidation</c> as the real server treats them
/// (Strict refuses naming the fields, Warn — the default — answers Warning headers, Ignore drops them).
/// </summary>
public sealed class FieldValidationTests : IClassFixture<KubectlFixture>
{
    private const string Functions = "apis/serverless.dev/v1alpha1/namespaces/default/functions";

    private readonly KubectlFixture _fixture;

    public FieldValidationTests(KubectlFixture fixture)
    {
        _fixture = fixture;
    }

    public static TheoryData<string, string, string, HttpStatusCode, string?, string[]> Cases => new()
    {
        {
            "Strict refuses an unknown field, naming it", "fv-strict", "fieldValidation=Strict", HttpStatusCode.BadRequest,
            "Function in version \"v1alpha1\" cannot be handled as a Function: strict decoding error: unknown field \"spec.bogus\"", []
        },
        { "Warn (the default) stores without it and warns", "fv-warn", "", HttpStatusCode.Created, null, ["299 - \"unknown field \\\"spec.bogus\\\"\""] },
        { "Warn said explicitly", "fv-warn2", "fieldValidation=Warn", HttpStatusCode.Created, null, ["299 - \"unknown field \\\"spec.bogus\\\"\""] },
        { "Ignore stores without it, silently", "fv-ignore", "fieldValidation=Ignore", HttpStatusCode.Created, null, [] },
        {
            "an unknown mode is 422", "fv-mode", "fieldValidation=Loose", HttpStatusCode.UnprocessableEntity,
            "CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"Loose\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"", []
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Create_UnknownField_AsTheMode(string label, string name, string query, HttpStatusCode expected, string? message, string[] warnings)
    {
        using var response = await PostAsync(name, query, "\"bogus\":1,");

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{label}: {(int)response.StatusCode} {text}");
        if (message is not null)
        {
            Assert.Equal(message, JsonNode.Parse(text)!["message"]!.GetValue<string>());
        }

        Assert.Equal(warnings, response.Headers.TryGetValues("Warning", out var sent) ? sent.ToArray() : []);
        if (expected == HttpStatusCode.Created)
        {
            Assert.Null(JsonNode.Parse(text)!["spec"]!["bogus"]);
        }
    }

    [Fact]
    public async Task Create_DuplicateKeyUnderStrict_RefusedNamingIt()
    {
        using var response = await PostAsync("fv-dup", "fieldValidation=Strict", "\"timeoutSeconds\":1,\"timeoutSeconds\":2,");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            "Function in version \"v1alpha1\" cannot be handled as a Function: strict decoding error: duplicate field \"spec.timeoutSeconds\"",
            JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_WhatFuncSendsUnderStrict_AcceptedWithoutWarnings()
    {
        var function = Serverless.Platform.Tests.Admin.AdminApiTests.DotnetFunction("fv-func", "DotnetTest::DotnetTest.Handlers::Echo");
        function.Spec.TimeoutSeconds = 20;

        using var response = await _fixture.Admin.PostAsync(
            Functions + "?fieldValidation=Strict", new StringContent(ResourceJson.Serialize(function), Encoding.UTF8, "application/json"));
        using var patched = await _fixture.Admin.PatchAsync(
            Functions + "/fv-func?fieldValidation=Strict", new StringContent("{\"spec\":{\"timeoutSeconds\":21}}", Encoding.UTF8, "application/merge-patch+json"));
        using var unknownInPatch = await _fixture.Admin.PatchAsync(
            Functions + "/fv-func?fieldValidation=Strict", new StringContent("{\"spec\":{\"bogus\":1}}", Encoding.UTF8, "application/merge-patch+json"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.False(response.Headers.Contains("Warning"));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.False(patched.Headers.Contains("Warning"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownInPatch.StatusCode);
        Assert.Contains("strict decoding error: unknown field \"spec.bogus\"", JsonNode.Parse(await unknownInPatch.Content.ReadAsStringAsync())!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> PostAsync(string name, string query, string extraSpec)
    {
        var path = TestSupport.RepoPaths.Built("testassets", "functions", "dotnet-test");
        var body = "{\"apiVersion\":\"serverless.dev/v1alpha1\",\"kind\":\"Function\",\"metadata\":{\"name\":\"" + name + "\"},"
            + "\"spec\":{" + extraSpec + "\"runtime\":\"dotnet\",\"handler\":\"DotnetTest::DotnetTest.Handlers::Echo\",\"source\":{\"path\":\"" + path + "\"}}}";
        return _fixture.Admin.PostAsync(Functions + (query.Length > 0 ? "?" + query : ""), new StringContent(body, Encoding.UTF8, "application/json"));
    }
}
