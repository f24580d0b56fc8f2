using Serverless.Eventing.Delivery;

namespace Serverless.Eventing.Tests.Delivery;

public sealed class ResponseClassifierTests
{
    // Outcomes by name: the enum is internal, and a public test method cannot take it.
    public static TheoryData<int?, string> Cases => new()
    {
        { 200, nameof(AttemptOutcome.Accepted) },
        { 202, nameof(AttemptOutcome.Accepted) },
        { 204, nameof(AttemptOutcome.Accepted) },
        { 299, nameof(AttemptOutcome.Accepted) },
        { 400, nameof(AttemptOutcome.Rejected) },
        { 401, nameof(AttemptOutcome.Rejected) },
        { 403, nameof(AttemptOutcome.Rejected) },
        { 405, nameof(AttemptOutcome.Rejected) },
        { 413, nameof(AttemptOutcome.Rejected) },
        { 415, nameof(AttemptOutcome.Rejected) },
        { 404, nameof(AttemptOutcome.Retryable) },
        { 408, nameof(AttemptOutcome.Retryable) },
        { 409, nameof(AttemptOutcome.Retryable) },
        { 429, nameof(AttemptOutcome.Retryable) },
        { 500, nameof(AttemptOutcome.Retryable) },
        { 502, nameof(AttemptOutcome.Retryable) },
        { 503, nameof(AttemptOutcome.Retryable) },
        { 504, nameof(AttemptOutcome.Retryable) },
        { null, nameof(AttemptOutcome.Retryable) },
        { 100, nameof(AttemptOutcome.Rejected) },
        { 302, nameof(AttemptOutcome.Rejected) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_Status_FollowsDataPlaneContract(int? status, string expected)
    {
        Assert.Equal(Enum.Parse<AttemptOutcome>(expected), ResponseClassifier.Classify(status));
    }
}
