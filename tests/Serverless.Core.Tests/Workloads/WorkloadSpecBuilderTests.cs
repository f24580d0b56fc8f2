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
    [InlineData("pool opt-out", false)]
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
                case "pool opt-out": f.Metadata.Annotations = new Dictionary<string, string> { ["serverless.dev/pool"] = "false" }; break;
            }
        });

        Assert.Equal(newRevision, WorkloadSpecBuilder.Build(before).Revision != WorkloadSpecBuilder.Build(after).Revision);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData(" false ", false)]
    [InlineData("true", true)]
    [InlineData("no", true)]
    public void Build_PoolAnnotation_OnlyFalseOptsOut(string? value, bool usePool)
    {
        var spec = WorkloadSpecBuilder.Build(Function(f =>
        {
            if (value is not null)
            {
                f.Metadata.Annotations = new Dictionary<string, string> { [WorkloadSpecBuilder.PoolAnnotation] = value };
            }
        }));

        Assert.Equal(usePool, spec.UsePool);
    }

    [Fact]
    public void Build_Resources_InWholeUnitsRoundedUp()
    {
        var spec = WorkloadSpecBuilder.Build(Function(f => f.Spec.Resources = new V1ResourceRequirements
        {
            Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("64Mi"), ["cpu"] = new("100m"), ["ephemeral-storage"] = new("1Gi") },
            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("0.25"), ["memory"] = new("0.5Ki") },
        }));

        Assert.Equal(
            new Core.Contracts.WorkloadResources
            {
                MemoryLimitBytes = 64 << 20,
                CpuLimitMillicores = 100,
                EphemeralStorageLimitBytes = 1 << 30,
                CpuRequestMillicores = 250,
                MemoryRequestBytes = 512,
            },
            spec.Resources);
        Assert.True(spec.Resources.HasLimits);
    }

    [Fact]
    public void Build_NoResources_None()
    {
        var spec = WorkloadSpecBuilder.Build(Function(_ => { }));

        Assert.Same(Core.Contracts.WorkloadResources.None, spec.Resources);
        Assert.False(spec.Resources.HasLimits);
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
