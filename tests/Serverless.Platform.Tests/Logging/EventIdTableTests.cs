using System.Reflection;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Logging;

/// <summary>One event-id table per assembly, and no event id used twice within one (logs are searched by id).</summary>
public sealed class EventIdTableTests
{
    public static TheoryData<string> Assemblies() =>
    [
        "Serverless.Hosting",
        "Serverless.Activator",
        "Serverless.Autoscaler",
        "Serverless.Eventing",
        "Serverless.Controller",
        "Serverless.Backends.Kubernetes",
        "Serverless.Platform",
        "Serverless.Backends.Local",
    ];

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Assembly_LogMessages_EachIdOnceAndInItsTable(string name)
    {
        var problems = EventIdTable.Problems(Assembly.Load(name));

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}
