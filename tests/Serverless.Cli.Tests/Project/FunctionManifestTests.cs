using Serverless.Cli.Project;
using Serverless.Core.Api;
using Serverless.Core.Serialization;

namespace Serverless.Cli.Tests.Project;

public sealed class FunctionManifestTests
{
    [Fact]
    public void Build_Project_SerializesAsTheAdminApiExpects()
    {
        var project = new FunctionProject
        {
            Name = "hello",
            Namespace = "ignored-here",
            Runtime = RuntimeNames.Node,
            Handler = "index.js:handler",
            Env = [new EnvVar { Name = "A", Value = "1" }],
            Scale = new ScaleSpec { MaxScale = 3 },
            TimeoutSeconds = 10,
        };

        var json = ResourceJson.Serialize(FunctionManifest.Build(project, "team", "/home/u/.serverless/artifacts/team/hello/0123456789abcdef"));

        Assert.Equal(
            """{"apiVersion":"serverless.dev/v1alpha1","kind":"Function","metadata":{"name":"hello","namespace":"team"},"spec":{"runtime":"node","handler":"index.js:handler","source":{"path":"/home/u/.serverless/artifacts/team/hello/0123456789abcdef"},"env":[{"name":"A","value":"1"}],"timeoutSeconds":10,"scale":{"maxScale":3}}}""",
            json);
    }

    [Fact]
    public void Build_NoEnvNoScale_OmitsThem()
    {
        var function = FunctionManifest.Build(new FunctionProject { Name = "a", Runtime = RuntimeNames.Python }, "default", "/p");

        Assert.Null(function.Spec.Env);
        Assert.Null(function.Spec.Scale);
        Assert.Null(function.Status);
    }

    [Fact]
    public void Build_AutoscalingKeys_CarriedToTheFunction()
    {
        var project = new FunctionProject
        {
            Name = "burner",
            Runtime = RuntimeNames.Node,
            Scale = new ScaleSpec { Class = "hpa.autoscaling.knative.dev", Metric = "cpu", MinScale = 1, ScaleDownDelaySeconds = 60, ActivationScale = 2, TargetBurstCapacity = 0 },
        };

        var scale = FunctionManifest.Build(project, "default", "/p").Spec.Scale!;

        Assert.Equal(("hpa.autoscaling.knative.dev", "cpu", 1, 60, 2, 0.0), (scale.Class, scale.Metric, scale.MinScale, scale.ScaleDownDelaySeconds, scale.ActivationScale, scale.TargetBurstCapacity));
    }
}
