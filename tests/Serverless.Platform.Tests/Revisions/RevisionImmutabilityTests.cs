using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Revisions;

/// <summary>
/// A Revision's spec never changes once written (Knative's Revisions are immutable): the local admin API refuses a replace, a merge patch or an apply that changes it with
/// 422 naming <c>spec</c>, and lets metadata such as labels change.
/// </summary>
public sealed class RevisionImmutabilityTests
{
    private const string Revisions = "/apis/serverless.dev/v1alpha1/namespaces/default/revisions";

    [Fact]
    public async Task Update_ChangedSpec_422NamingSpec_LabelsStillChange()
    {
        using var home = new TempDirectory("serverless-revision-immutable");
        await using var platform = await PlatformProcess.StartAsync(home.Path);
        using var admin = platform.CreateAdminClient();
        var revision = new JsonObject
        {
            ["apiVersion"] = "serverless.dev/v1alpha1",
            ["kind"] = "Revision",
            ["metadata"] = new JsonObject { ["name"] = "hello-00001" },
            ["spec"] = new JsonObject { ["function"] = "hello", ["runtime"] = "node", ["handler"] = "index.js:handle" },
        };
        using (var created = await admin.PostAsync(Revisions, Body(revision, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var patched = await admin.PatchAsync(Revisions + "/hello-00001", Body("""{"spec":{"handler":"other.js:handle"}}""", "application/merge-patch+json"));
        await AssertImmutableAsync(patched);

        using var stored = await admin.GetAsync(Revisions + "/hello-00001");
        var replacement = JsonNode.Parse(await stored.Content.ReadAsStringAsync())!.AsObject();
        replacement["spec"]!["runtime"] = "python";
        using var replaced = await admin.PutAsync(Revisions + "/hello-00001", Body(replacement, "application/json"));
        await AssertImmutableAsync(replaced);

        using var applied = await admin.PatchAsync(
            Revisions + "/hello-00001?fieldManager=test&force=true", // force: past the create's field ownership, to the rule
            Body("""{"apiVersion":"serverless.dev/v1alpha1","kind":"Revision","metadata":{"name":"hello-00001"},"spec":{"function":"hello","runtime":"node","handler":"index.js:other"}}""", "application/apply-patch+yaml"));
        await AssertImmutableAsync(applied);

        using var labelled = await admin.PatchAsync(Revisions + "/hello-00001", Body("""{"metadata":{"labels":{"team":"web"}}}""", "application/merge-patch+json"));
        Assert.Equal(HttpStatusCode.OK, labelled.StatusCode);
        using var after = await admin.GetAsync(Revisions + "/hello-00001");
        var body = JsonNode.Parse(await after.Content.ReadAsStringAsync())!;
        Assert.Equal(("index.js:handle", "node", "web"), (body["spec"]!["handler"]!.GetValue<string>(), body["spec"]!["runtime"]!.GetValue<string>(), body["metadata"]!["labels"]!["team"]!.GetValue<string>()));
    }

    private static async Task AssertImmutableAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}: {text}");
        var status = JsonNode.Parse(text)!;
        var cause = Assert.Single(status["details"]!["causes"]!.AsArray());
        Assert.Equal("spec", cause!["field"]!.GetValue<string>());
        Assert.Contains("is immutable", cause["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static StringContent Body(object body, string mediaType) =>
        new(body is string text ? text : ((JsonNode)body).ToJsonString(), Encoding.UTF8, mediaType);
}
