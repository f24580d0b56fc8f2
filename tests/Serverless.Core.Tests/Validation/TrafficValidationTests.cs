using Serverless.Core.Api;
using Serverless.Core.Validation;
using static Serverless.Core.Tests.Builders.TestFunctions;

namespace Serverless.Core.Tests.Validation;

/// <summary><c>spec.traffic</c>: Knative's rules, each problem at its field path.</summary>
public sealed class TrafficValidationTests
{
    public static TheoryData<string, Action<Function>[], string[]> Cases => new()
    {
        // label, options, expected errors (exact, in order)
        { "no traffic block", [], [] },
        { "latest 100", [WithTraffic(null, 100)], [] },
        { "90/10 named", [WithTraffic("hello-00001", 90), WithTraffic("hello-00002", 10, "canary")], [] },
        { "tag-only target at 0%", [WithTraffic(null, 100), WithTraffic("hello-00001", null, "old")], [] },
        { "sum 90", [WithTraffic("hello-00001", 80), WithTraffic("hello-00002", 10)], ["spec.traffic: the percents must sum to 100 (got 90)"] },
        { "sum 110", [WithTraffic("hello-00001", 100), WithTraffic(null, 10)], ["spec.traffic: the percents must sum to 100 (got 110)"] },
        {
            "percent over 100", [WithTraffic("hello-00001", 101)],
            ["spec.traffic[0].percent: must be between 0 and 100 (got 101)", "spec.traffic: the percents must sum to 100 (got 0)"]
        },
        {
            "percent negative", [WithTraffic("hello-00001", -10), WithTraffic(null, 100)],
            ["spec.traffic[0].percent: must be between 0 and 100 (got -10)"]
        },
        { "neither name nor latest", [fn => fn.Spec.Traffic = [new TrafficTarget { Percent = 100 }]], ["spec.traffic[0].revisionName: is required unless latestRevision is true"] },
        {
            "latestRevision false without a name", [fn => fn.Spec.Traffic = [new TrafficTarget { LatestRevision = false, Percent = 100 }]],
            ["spec.traffic[0].revisionName: is required unless latestRevision is true"]
        },
        {
            "both name and latest", [fn => fn.Spec.Traffic = [new TrafficTarget { RevisionName = "hello-00001", LatestRevision = true, Percent = 100 }]],
            ["spec.traffic[0].revisionName: must not be set when latestRevision is true"]
        },
        {
            "bad revision name", [WithTraffic("Hello_1", 100)],
            ["spec.traffic[0].revisionName: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (got \"Hello_1\")"]
        },
        {
            "bad tag", [WithTraffic(null, 100, "Canary")],
            ["spec.traffic[0].tag: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (got \"Canary\")"]
        },
        {
            "duplicate tag", [WithTraffic(null, 50, "a"), WithTraffic("hello-00001", 50, "a")],
            ["spec.traffic[1].tag: duplicate tag \"a\""]
        },
        {
            "tag too long with the function", [WithTraffic(null, 100, new string('t', 58))],
            [$"spec.traffic[0].tag: \"{new string('t', 58)}-hello\" (tag-function) must be at most 63 characters"]
        },
        {
            "url in spec", [fn => fn.Spec.Traffic = [new TrafficTarget { LatestRevision = true, Percent = 100, Url = "http://x/" }]],
            ["spec.traffic[0].url: must not be set in spec (the status carries each tag's URL)"]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_Traffic_ReportsEachProblemAtItsPath(string label, Action<Function>[] options, string[] expected)
    {
        var errors = FunctionValidator.Validate(Function("default", "hello", options));

        Assert.False(string.IsNullOrEmpty(label));
        Assert.Equal(expected, errors.Select(e => e.ToString()));
    }
}
