using System.Net;
using System.Text.Json.Nodes;
using static Serverless.KubeApiServer.Tests.Http.Objects;

namespace Serverless.KubeApiServer.Tests.Http;

/// <summary>Custom resources are held to their CRD's schema on every write, with the real server's causes.</summary>
public sealed class ValidationTests
{
    [Fact]
    public async Task Create_SchemaViolations_Answers422WithOneCausePerField()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        var spec = new JsonObject
        {
            ["runtime"] = "ruby",
            ["timeoutSeconds"] = 0,
            ["image"] = "Bad Image",
            ["scale"] = new JsonObject { ["minScale"] = -1, ["metric"] = "latency" },
        };

        var response = await api.PostAsync(RawApi.Functions, Function("bad", spec));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal("Invalid", response.Reason);
        Assert.Equal(
            [
                "FieldValueInvalid@.spec.scale.minScale",
                "FieldValueInvalid@<nil>",
                "FieldValueInvalid@spec.image",
                "FieldValueInvalid@spec.scale.minScale",
                "FieldValueInvalid@spec.timeoutSeconds",
                "FieldValueNotSupported@spec.runtime",
                "FieldValueNotSupported@spec.scale.metric",
            ],
            response.Causes);
        Assert.Equal("Function", response.Json!["details"]!["kind"]!.GetValue<string>());
        Assert.Equal("bad", response.Json["details"]!["name"]!.GetValue<string>());
        Assert.Null(server.GetObject(ResourceTypes.Functions, Namespace, "bad"));
    }

    [Theory]
    [InlineData("missing spec", null, "FieldValueRequired@spec")]
    [InlineData("wrong type", """{"image":"a/b:1","timeoutSeconds":"ten"}""", "FieldValueTypeInvalid@spec.timeoutSeconds")]
    [InlineData("too long", """{"image":"a/b:1","handler":"HANDLER"}""", "FieldValueTooLong@spec.handler")]
    [InlineData("too many items", """{"image":"a/b:1","env":ENV}""", "FieldValueTooMany@spec.env")]
    [InlineData("quantity pattern", """{"image":"a/b:1","resources":{"requests":{"cpu":"lots"}}}""", "FieldValueInvalid@spec.resources.requests.cpu")]
    [InlineData("too many properties", """{"image":"a/b:1","resources":{"limits":{"cpu":"1","memory":"1Gi","ephemeral-storage":"1Gi","gpu":"1"}}}""", "FieldValueTooMany@spec.resources.limits")]
    [InlineData("exclusive minimum", """{"image":"a/b:1","scale":{"targetUtilization":0}}""", "FieldValueInvalid@spec.scale.targetUtilization")]
    [InlineData("required in an item", """{"image":"a/b:1","env":[{"value":"x"}]}""", "FieldValueRequired@spec.env[0].name")]
    [InlineData("duplicate map-list key", """{"image":"a/b:1","env":[{"name":"A"},{"name":"A"}]}""", "FieldValueDuplicate@spec.env[1]")]
    public async Task Create_InvalidSpec_CauseNamesTheField(string label, string? specJson, string expected)
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        var env = new JsonArray(Enumerable.Range(0, 101).Select(i => (JsonNode?)new JsonObject { ["name"] = $"V{i}", ["value"] = "x" }).ToArray());
        var body = Function("bad");
        body["spec"] = specJson is null ? null : JsonNode.Parse(specJson.Replace("HANDLER", new string('a', 513), StringComparison.Ordinal).Replace("ENV", env.ToJsonString(), StringComparison.Ordinal));
        if (specJson is null)
        {
            body.Remove("spec");
        }

        var response = await api.PostAsync(RawApi.Functions, body);

        Assert.True(response.Status == HttpStatusCode.UnprocessableEntity, $"{label}: {response.Text}");
        Assert.Contains(expected, response.Causes);
    }

    [Fact]
    public async Task Create_InvalidName_AnswersSubdomainCause()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);

        var response = await api.PostAsync(RawApi.Functions, Function("Bad_Name"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Contains("FieldValueInvalid@metadata.name", response.Causes);
    }

    [Fact]
    public async Task MergePatch_MakesSpecInvalid_Answers422AndKeepsStoredObject()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        await api.PostAsync(RawApi.Functions, Function("x1"));

        var response = await api.PatchAsync(RawApi.Functions + "/x1", JsonNode.Parse("""{"spec":{"timeoutSeconds":0}}""")!, "application/merge-patch+json");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal(["FieldValueInvalid@spec.timeoutSeconds"], response.Causes);
        Assert.Equal(300, server.GetObject(ResourceTypes.Functions, Namespace, "x1")!["spec"]!["timeoutSeconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task StatusPatch_InvalidCondition_Answers422AtStatusPath()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        await api.PostAsync(RawApi.Functions, Function("x1"));

        var response = await api.PatchAsync(
            RawApi.Functions + "/x1/status",
            JsonNode.Parse("""{"status":{"conditions":[{"type":"Ready","status":"Maybe"}]}}""")!,
            "application/merge-patch+json");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal(["FieldValueInvalid@<nil>", "FieldValueNotSupported@status.conditions[0].status"], response.Causes);
    }

    [Fact]
    public async Task ScaleWrite_NegativeReplicas_Answers422FromTheSchemaAndScalePath()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        await api.PostAsync(RawApi.Functions, Function("x1"));

        var response = await api.PatchAsync(RawApi.Functions + "/x1/scale", JsonNode.Parse("""{"spec":{"replicas":-1}}""")!, "application/merge-patch+json");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal(["FieldValueInvalid@.spec.scale.minScale", "FieldValueInvalid@spec.scale.minScale"], response.Causes);
    }

    [Fact]
    public async Task Create_ValidFunction_Answers201()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);

        var response = await api.PostAsync(RawApi.Functions, Function("ok"));

        Assert.Equal(HttpStatusCode.Created, response.Status);
    }
}
