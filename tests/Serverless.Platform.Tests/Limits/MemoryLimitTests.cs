using System.Net;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Limits;

/// <summary>spec.resources.limits.memory enforced on a real instance: killed by the kernel, reported OOMKilled.</summary>
public sealed class MemoryLimitTests
{
    [Fact]
    public async Task Function_OverItsMemoryLimit_ReadyFalseOOMKilledInStatusAndDescribe()
    {
        await using var platform = await LimitsPlatform.StartAsync();
        var resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("64Mi") } };
        using (var created = await platform.CreateAsync(LimitsPlatform.Python("memory-hog", LimitsPlatform.TestFunction("memory-hog"), resources: resources)))
        {
            LimitsPlatform.AssertStatus(HttpStatusCode.Created, created, await LimitsPlatform.BodyAsync(created));
        }

        var function = await platform.WaitForAsync(
            "memory-hog", f => f.Status?.Conditions?.Any(c => c.Type == ConditionTypes.Ready && c.Reason == "OOMKilled") == true);

        var ready = function.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        Assert.Equal(ConditionStatus.False, ready.Status);
        Assert.Contains("out of memory (OOMKilled): the kernel killed it at its memory limit of 64Mi", ready.Message, StringComparison.Ordinal);
        var enforced = function.Status.Conditions!.Single(c => c.Type == ConditionTypes.ResourcesEnforced);
        Assert.Equal(ConditionStatus.True, enforced.Status);

        var describe = await new FuncCli(platform.Home).RunAsync("describe", "memory-hog");
        Assert.True(describe.ExitCode == 0, describe.ToString());
        Assert.Contains("OOMKilled", describe.StdOut, StringComparison.Ordinal);
    }
}
