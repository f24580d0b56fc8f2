using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Serverless.Core.Serialization;

namespace Serverless.Platform.Tests.Kubectl;

/// <summary>Issue #19 item 3 over HTTP: the codes and Status bodies the real server gives (recordings/http/write.json).</summary>
public sealed class WriteSemanticsTests : IClassFixture<KubectlFixture>
{
    private const string Functions = "apis/serverless.dev/v1alpha1/namespaces/default/functions";

    private readonly KubectlFixture _fixture;

    public WriteSemanticsTests(KubectlFixture fixture)
    {
        _fixture = fixture;
    }

    private HttpClient Admin => _fixture.Admin;

    [Fact]
    public async Task Delete_PropagationPolicy_ValidOnesDeleteAnUnknownOneIs422()
    {
        await CreateAsync("w-policy-a", "w-policy");
        await CreateAsync("w-policy-b", "w-policy");

        using var bogus = await Admin.DeleteAsync(Functions + "/w-policy-a?propagationPolicy=Bogus");
        using var foreground = await Admin.DeleteAsync(Functions + "/w-policy-a?propagationPolicy=Foreground");
        using var inBody = await Admin.SendAsync(new HttpRequestMessage(HttpMethod.Delete, Functions + "/w-policy-b")
        {
            Content = new StringContent("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Orphan\"}", Encoding.UTF8, "application/json"),
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, bogus.StatusCode);
        var status = JsonNode.Parse(await bogus.Content.ReadAsStringAsync())!;
        Assert.Equal(
            "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"Bogus\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"",
            status["message"]!.GetValue<string>());
        Assert.Equal("propagationPolicy", status["details"]!["causes"]![0]!["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, foreground.StatusCode);
        Assert.Equal(HttpStatusCode.OK, inBody.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync("w-policy-a"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync("w-policy-b"));
    }

    [Fact]
    public async Task DeleteCollection_LabelSelector_DeletesOnlyTheSelected()
    {
        await CreateAsync("w-coll-a", "w-coll");
        await CreateAsync("w-coll-b", "w-coll-keep");

        using var response = await Admin.DeleteAsync(Functions + "?labelSelector=group%3Dw-coll");
        var deleted = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["w-coll-a"], deleted["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync("w-coll-a"));
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync("w-coll-b"));
    }

    [Theory]
    [InlineData("application/strategic-merge-patch+json", "{\"spec\":{\"timeoutSeconds\":62}}", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("text/plain", "{}", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/merge-patch+json", "{\"spec\":", HttpStatusCode.BadRequest)]
    [InlineData("application/json-patch+json", "{\"op\":\"add\"}", HttpStatusCode.BadRequest)]
    [InlineData("application/json-patch+json", "[{\"op\":\"test\",\"path\":\"/spec/timeoutSeconds\",\"value\":1}]", HttpStatusCode.UnprocessableEntity)]
    [InlineData("application/json-patch+json", "[{\"op\":\"replace\",\"path\":\"/spec/nothing/here\",\"value\":1}]", HttpStatusCode.UnprocessableEntity)]
    [InlineData("application/merge-patch+json", "{\"spec\":{\"scale\":{\"minScale\":-1}}}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("application/merge-patch+json", "{\"metadata\":{\"name\":\"other\"}}", HttpStatusCode.BadRequest)]
    [InlineData("application/merge-patch+json", "{\"metadata\":{\"resourceVersion\":\"999999\"},\"spec\":{\"timeoutSeconds\":61}}", HttpStatusCode.Conflict)]
    [InlineData("application/merge-patch+json", "{\"spec\":{\"timeoutSeconds\":61}}", HttpStatusCode.OK)]
    public async Task Patch_ByMediaType_AnsweredAsTheRealServer(string mediaType, string body, HttpStatusCode expected)
    {
        var name = "w-patch-" + ((uint)HashCode.Combine(mediaType, body)).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        await CreateAsync(name, "w-patch");

        using var response = await Admin.PatchAsync(Functions + "/" + name, new StringContent(body, Encoding.UTF8, mediaType));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{mediaType} {body}: {(int)response.StatusCode} {text}");
        if (expected == HttpStatusCode.UnsupportedMediaType && mediaType.StartsWith("application/strategic", StringComparison.Ordinal))
        {
            Assert.Equal(
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
                JsonNode.Parse(text)!["message"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task ServerSideApply_TwoManagers_ConflictNamesTheFieldUntilForced()
    {
        var path = Functions + "/w-ssa";
        using var first = await ApplyAsync(path + "?fieldManager=alice", 30);
        using var conflict = await ApplyAsync(path + "?fieldManager=bob", 40);
        using var noManager = await ApplyAsync(path, 40);
        using var forced = await ApplyAsync(path + "?fieldManager=bob&force=true", 40);
        using var same = await ApplyAsync(path + "?fieldManager=bob", 40);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var status = JsonNode.Parse(await conflict.Content.ReadAsStringAsync())!;
        Assert.Equal("Apply failed with 1 conflict: conflict with \"alice\": .spec.timeoutSeconds", status["message"]!.GetValue<string>());
        Assert.Equal(("FieldManagerConflict", ".spec.timeoutSeconds"), (status["details"]!["causes"]![0]!["reason"]!.GetValue<string>(), status["details"]!["causes"]![0]!["field"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noManager.StatusCode);
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        var stored = JsonNode.Parse(await forced.Content.ReadAsStringAsync())!;
        Assert.Equal(40, stored["spec"]!["timeoutSeconds"]!.GetValue<int>());
        var owners = stored["metadata"]!["managedFields"]!.AsArray().Where(e => e!["fieldsV1"]?["f:spec"]?["f:timeoutSeconds"] is not null).Select(e => e!["manager"]!.GetValue<string>());
        Assert.Equal(["bob"], owners);
    }

    private Task<HttpResponseMessage> ApplyAsync(string path, int timeoutSeconds) =>
        Admin.PatchAsync(path, new StringContent(
            "apiVersion: serverless.dev/v1alpha1\nkind: Function\nmetadata:\n  name: w-ssa\nspec:\n  runtime: dotnet\n  handler: \"DotnetTest::DotnetTest.Handlers::Echo\"\n"
                + $"  timeoutSeconds: {timeoutSeconds}\n  source:\n    path: {TestSupport.RepoPaths.Built("testassets", "functions", "dotnet-test")}\n",
            Encoding.UTF8,
            "application/apply-patch+yaml"));

    [Fact]
    public async Task ScaleSubresource_GetAndPut_ReadsAndWritesMinScale()
    {
        await CreateAsync("w-scale", "w-scale");

        using var put = await Admin.PutAsync(Functions + "/w-scale/scale", new StringContent(
            "{\"kind\":\"Scale\",\"apiVersion\":\"autoscaling/v1\",\"metadata\":{\"name\":\"w-scale\"},\"spec\":{\"replicas\":4}}", Encoding.UTF8, "application/json"));
        using var get = await Admin.GetAsync(Functions + "/w-scale/scale");
        var scale = JsonNode.Parse(await get.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(("Scale", "autoscaling/v1", 4), (scale["kind"]!.GetValue<string>(), scale["apiVersion"]!.GetValue<string>(), scale["spec"]!["replicas"]!.GetValue<int>()));
        using var stored = await Admin.GetAsync(Functions + "/w-scale");
        Assert.Equal(4, JsonNode.Parse(await stored.Content.ReadAsStringAsync())!["spec"]!["scale"]!["minScale"]!.GetValue<int>());
    }

    private async Task CreateAsync(string name, string group)
    {
        var function = Serverless.Platform.Tests.Admin.AdminApiTests.DotnetFunction(name, "DotnetTest::DotnetTest.Handlers::Echo");
        function.Metadata.Labels = new Dictionary<string, string> { ["group"] = group };
        using var created = await Admin.PostAsync(Functions, new StringContent(ResourceJson.Serialize(function), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    private async Task<HttpStatusCode> StatusOfAsync(string name)
    {
        using var response = await Admin.GetAsync(Functions + "/" + name);
        return response.StatusCode;
    }
}
