using Serverless.Core.Api;
using Serverless.Core.Workloads;
using k8s.Models;

namespace Serverless.Core.Tests.Workloads;

public sealed class WorkloadSpecBuilderTests
{
    [Fact]
    public void Build_Function_CarriesWhatTheInstanceNeeds()
    {
        var spec = WorkloadSpecBuilder.Build(Function(f =>
        {
            f.Spec.Env = [new EnvVar { Name = "GREETING", Value = "hi" }];
            f.Spec.TimeoutSeconds = 20;
            f.Spec.Scale = new ScaleSpec { ContainerConcurrency = 4 };
        }));

        Assert.Equal(new Core.Contracts.FunctionKey("default", "hello"), spec.Key);
        Assert.Equal("node", spec.Runtime);
        Assert.Equal("index.js:handle", spec.Handler);
        Assert.Equal("/srv/hello", spec.SourcePath);
        Assert.Equal(20, spec.TimeoutSeconds);
        Assert.Equal(4, spec.ContainerConcurrency);
        Assert.Equal([new KeyValuePair<string, string>("GREETING", "hi")], spec.Environment);
    }

    [Theory]
    [InlineData("source path", true)]
    [InlineData("env", true)]
    [InlineData("container concurrency", true)]
    [InlineData("max scale", false)]
    [InlineData("min scale", false)]
    [InlineData("labels", false)]
    public void Revision_Change_IsARolloutOnlyWhenInstancesRunSomethingElse(string change, bool newRevision)
    {
        var before = Function(_ => { });
        var after = Function(f =>
        {
            switch (change)
            {
                case "source path": f.Spec.Source!.Path = "/srv/hello-2"; break;
                case "env": f.Spec.Env = [new EnvVar { Name = "A", Value = "b" }]; break;
                case "container concurrency": f.Spec.Scale = new ScaleSpec { ContainerConcurrency = 1 }; break;
                case "max scale": f.Spec.Scale = new ScaleSpec { MaxScale = 9 }; break;
                case "min scale": f.Spec.Scale = new ScaleSpec { MinScale = 2 }; break;
                case "labels": f.Metadata.Labels = new Dictionary<string, string> { ["team"] = "a" }; break;
            }
        });

        Assert.Equal(newRevision, WorkloadSpecBuilder.Build(before).Revision != WorkloadSpecBuilder.Build(after).Revision);
    }

    private static Core.Api.Function Function(Action<Core.Api.Function> configure)
    {
        var function = new Core.Api.Function
        {
            Metadata = new V1ObjectMeta { Name = "hello", NamespaceProperty = "default", Generation = 1 },
            Spec = new FunctionSpec { Runtime = "node", Handler = "index.js:handle", Source = new FunctionSource { Path = "/srv/hello" } },
        };
        configure(function);
        return function;
    }
}
