using k8s.Models;
using Serverless.Backends.Kubernetes.Endpoints;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Kubernetes.Tests.Endpoints;

public sealed class EndpointSliceReaderTests
{
    [Theory]
    [InlineData("ready", true, false, true)]
    [InlineData("not ready", false, false, false)]
    [InlineData("ready but terminating", true, true, false)]
    [InlineData("readiness unknown", null, false, false)]
    public void Ready_EndpointConditions_OnlyReadyAndNotTerminating(string label, bool? ready, bool terminating, bool expected)
    {
        var slice = Slice("hello-abc", ("pod-1", "10.0.0.1", ready, terminating));

        Assert.True(expected == (EndpointSliceReader.Ready([slice]).Length == 1), label);
    }

    [Fact]
    public void Ready_TwoSlices_OneEndpointPerPodOrderedById()
    {
        var first = Slice("hello-a", ("pod-2", "10.0.0.2", true, false), ("pod-1", "10.0.0.1", true, false));
        var second = Slice("hello-b", ("pod-1", "10.0.0.1", true, false), ("pod-3", "fd00::3", true, false));

        var ready = EndpointSliceReader.Ready([first, second]);

        Assert.Equal(["pod-1", "pod-2", "pod-3"], ready.Select(e => e.Id));
        Assert.Equal("10.0.0.1:8080", ready[0].Authority);
        Assert.Equal("[fd00::3]:8080", ready[2].Authority);
    }

    [Fact]
    public void KeyOf_Slice_IsItsServiceName()
    {
        Assert.Equal(new FunctionKey("team-a", "hello"), EndpointSliceReader.KeyOf(Slice("hello-abc")));
        Assert.Null(EndpointSliceReader.KeyOf(new V1EndpointSlice { Metadata = new V1ObjectMeta { Name = "x", NamespaceProperty = "team-a" } }));
    }

    internal static V1EndpointSlice Slice(string name, params (string Pod, string Address, bool? Ready, bool Terminating)[] endpoints) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "team-a",
            Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = "hello" },
        },
        AddressType = "IPv4",
        Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 8080 }],
        Endpoints = endpoints.Select(e => new V1Endpoint
        {
            Addresses = [e.Address],
            Conditions = new V1EndpointConditions { Ready = e.Ready, Terminating = e.Terminating },
            TargetRef = new V1ObjectReference { Kind = "Pod", Name = e.Pod },
        }).ToList(),
    };
}
