using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Validation;

namespace Serverless.Core.Tests.Validation;

public sealed class RevisionValidatorTests
{
    [Theory]
    [InlineData("nothing changed", null, false)]
    [InlineData("a label added", "label", false)]
    [InlineData("the handler", "handler", true)]
    [InlineData("the runtime", "runtime", true)]
    [InlineData("an env var", "env", true)]
    [InlineData("the timeout", "timeout", true)]
    [InlineData("the content hash", "hash", true)]
    public void ValidateUpdate_SpecChange_RefusedAtSpec(string label, string? change, bool refused)
    {
        var current = Revision();
        var updated = Revision();
        switch (change)
        {
            case "label": updated.Metadata.Labels = new Dictionary<string, string> { ["team"] = "web" }; break;
            case "handler": updated.Spec.Handler = "other.js:handle"; break;
            case "runtime": updated.Spec.Runtime = "python"; break;
            case "env": updated.Spec.Env = [new EnvVar { Name = "A", Value = "2" }]; break;
            case "timeout": updated.Spec.TimeoutSeconds = 30; break;
            case "hash": updated.Spec.ContentHash = "0000"; break;
        }

        var errors = RevisionValidator.ValidateUpdate(current, updated);

        Assert.True(refused ? errors.Count == 1 && errors[0].Field == "spec" && errors[0].Message == RevisionValidator.ImmutableSpec : errors.Count == 0, label);
    }

    private static Revision Revision() => new()
    {
        ApiVersion = ApiGroup.ApiVersion,
        Kind = Core.Api.Revision.KindName,
        Metadata = new V1ObjectMeta { Name = "hello-00001", NamespaceProperty = "default" },
        Spec = new RevisionSpec
        {
            Function = "hello",
            ContentHash = "abcd",
            Runtime = "node",
            Handler = "index.js:handle",
            Env = [new EnvVar { Name = "A", Value = "1" }],
            TimeoutSeconds = 300,
        },
    };
}
