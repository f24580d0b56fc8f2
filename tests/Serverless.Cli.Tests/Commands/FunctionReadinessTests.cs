using k8s.Models;
using Serverless.Cli.Commands;
using Serverless.Core.Api;
using static Serverless.Cli.Tests.Fakes.TestFunctions;

namespace Serverless.Cli.Tests.Commands;

public sealed class FunctionReadinessTests
{
    public static TheoryData<string, Function, long, string, string> Cases => new()
    {
        { "no status yet", Function("f"), 1, "Pending", "NotObserved" },
        { "status of an older generation", Function("f", Observed(1, "True", "Ready")), 2, "Pending", "NotObserved" },
        { "observed, no Ready condition", Function("f", Observed(2)), 2, "Pending", "NoReadyCondition" },
        { "observed, Unknown", Function("f", Observed(2, "Unknown", "Deploying")), 2, "Pending", "Deploying" },
        { "observed, True", Function("f", Observed(2, "True", "Ready")), 2, "Ready", "Ready" },
        { "newer than asked, True", Function("f", Observed(3, "True", "Ready")), 2, "Ready", "Ready" },
        { "crash loop", Function("f", Observed(2, "False", "CrashLoop")), 2, "Failed", "CrashLoop" },
        { "revision failed", Function("f", Observed(2, "False", "RevisionFailed")), 2, "Failed", "RevisionFailed" },
        { "invalid spec", Function("f", Observed(2, "False", "InvalidSpec")), 2, "Failed", "InvalidSpec" },
        { "transient False", Function("f", Observed(2, "False", "Deploying")), 2, "Pending", "Deploying" },
        { "old failure, new generation pending", Function("f", Observed(1, "False", "CrashLoop")), 2, "Pending", "NotObserved" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_Status_Verdict(string label, Function function, long generation, string state, string reason)
    {
        var verdict = FunctionReadiness.Evaluate(function, generation);

        Assert.True((Enum.Parse<ReadinessState>(state), reason) == (verdict.State, verdict.Reason), $"{label}: got {verdict}");
    }

    private static Action<Function> Observed(long generation, string? ready = null, string? reason = null) => f => f.Status = new FunctionStatus
    {
        ObservedGeneration = generation,
        Conditions = ready is null ? [] : [new V1Condition { Type = ConditionTypes.Ready, Status = ready, Reason = reason, Message = "msg" }],
    };
}
