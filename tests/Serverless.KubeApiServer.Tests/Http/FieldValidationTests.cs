using System.Net;
using System.Text.Json.Nodes;
using static Serverless.KubeApiServer.Tests.Http.Objects;

namespace Serverless.KubeApiServer.Tests.Http;

/// <summary>
/// fieldValidation: Strict (what kubectl sends) refuses unknown and duplicate fields, Warn (the default) drops them
/// with one Warning header each, Ignore drops them silently. Unknown fields never reach the stored object.
/// </summary>
public sealed class FieldValidationTests
{
    private static JsonObject WithUnknownFields(string name)
    {
        var body = Function(name);
        body["spec"]!["bogus"] = 1;
        body["topBogus"] = true;
        return body;
    }

    [Fact]
    public async Task Create_Strict_Answers400NamingEveryUnknownField()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);

        var response = await api.PostAsync(RawApi.Functions + "?fieldValidation=Strict", WithUnknownFields("u1"));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(
            "Function in version \"v1alpha1\" cannot be handled as a Function: strict decoding error: unknown field \"spec.bogus\", unknown field \"topBogus\"",
            response.Json!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_WarnByDefault_StoresPrunedWithOneWarningPerField()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);

        var response = await api.PostAsync(RawApi.Functions, WithUnknownFields("u2"));

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal(["299 - \"unknown field \\\"spec.bogus\\\"\"", "299 - \"unknown field \\\"topBogus\\\"\""], response.Warnings);
        Assert.Null(response.Json!["spec"]!["bogus"]);
        Assert.Null(response.Json["topBogus"]);
    }

    [Fact]
    public async Task Create_Ignore_StoresPrunedWithoutWarnings()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);

        var response = await api.PostAsync(RawApi.Functions + "?fieldValidation=Ignore", WithUnknownFields("u3"));

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Empty(response.Warnings);
        Assert.Null(server.GetObject(ResourceTypes.Functions, Namespace, "u3")!["spec"]!["bogus"]);
    }

    [Fact]
    public async Task Create_DuplicateFieldStrict_Answers400()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        const string body = """{"apiVersion":"serverless.dev/v1alpha1","kind":"Function","metadata":{"name":"u5"},"spec":{"image":"a/b:1","image":"a/c:1"}}""";

        var strict = await api.PostAsync(RawApi.Functions + "?fieldValidation=Strict", body);
        var warned = await api.PostAsync(RawApi.Functions, body);

        Assert.Equal(HttpStatusCode.BadRequest, strict.Status);
        Assert.EndsWith("strict decoding error: duplicate field \"spec.image\"", strict.Json!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, warned.Status);
        Assert.Equal(["299 - \"duplicate field \\\"spec.image\\\"\""], warned.Warnings);
        Assert.Equal("a/c:1", warned.Json!["spec"]!["image"]!.GetValue<string>());
    }

    [Fact]
    public async Task MergePatch_UnknownFieldStrict_Answers422OnThePatch()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        await api.PostAsync(RawApi.Functions, Function("x1"));

        var response = await api.PatchAsync(RawApi.Functions + "/x1?fieldValidation=Strict", JsonNode.Parse("""{"spec":{"bogus":1}}""")!, "application/merge-patch+json");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal(["FieldValueInvalid@patch"], response.Causes);
        Assert.EndsWith("strict decoding error: unknown field \"spec.bogus\"", response.Json!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_UnknownFieldValidationValue_Answers422()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);

        var response = await api.PostAsync(RawApi.Functions + "?fieldValidation=Bogus", Function("u6"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal(["FieldValueNotSupported@fieldValidation"], response.Causes);
        Assert.Equal("CreateOptions", response.Json!["details"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_UnknownMetadataField_IsAnUnknownField()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        var body = Function("u7");
        body["metadata"]!["labelz"] = new JsonObject { ["a"] = "b" };

        var response = await api.PostAsync(RawApi.Functions + "?fieldValidation=Strict", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("unknown field \"metadata.labelz\"", response.Json!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_PreserveUnknownFields_KeepsThem()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        var trigger = new JsonObject
        {
            ["apiVersion"] = "serverless.dev/v1alpha1",
            ["kind"] = "Trigger",
            ["metadata"] = new JsonObject { ["name"] = "t1" },
            ["spec"] = new JsonObject
            {
                ["subscriber"] = new JsonObject { ["uri"] = "http://example.com/" },
                ["filters"] = new JsonArray(new JsonObject { ["not"] = new JsonObject { ["exact"] = new JsonObject { ["type"] = "x" } } }),
            },
        };

        var response = await api.PostAsync("apis/serverless.dev/v1alpha1/namespaces/default/triggers?fieldValidation=Strict", trigger);

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal("x", response.Json!["spec"]!["filters"]![0]!["not"]!["exact"]!["type"]!.GetValue<string>());
    }
}
