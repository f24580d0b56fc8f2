using Serverless.Eventing.Delivery;

namespace Serverless.Eventing.Tests.Delivery;

public sealed class ResponseClassifierTests
{
    public static TheoryData<int?, AttemptOutcome> Cases => new()
    {
        { 200, AttemptOutcome.Accepted },
        { 202, AttemptOutcome.Accepted },
        { 204, AttemptOutcome.Accepted },
        { 299, AttemptOutcome.Accepted },
        { 400, AttemptOutcome.Rejected },
        { 401, AttemptOutcome.Rejected },
        { 403, AttemptOutcome.Rejected },
        { 405, AttemptOutcome.Rejected },
        { 413, AttemptOutcome.Rejected },
        { 415, AttemptOutcome.Rejected },
        { 404, AttemptOutcome.Retryable },
        { 408, AttemptOutcome.Retryable },
        { 409, AttemptOutcome.Retryable },
        { 429, AttemptOutcome.Retryable },
        { 500, AttemptOutcome.Retryable },
        { 502, AttemptOutcome.Retryable },
        { 503, AttemptOutcome.Retryable },
        { 504, AttemptOutcome.Retryable },
        { null, AttemptOutcome.Retryable },
        { 100, AttemptOutcome.Rejected },
        { 302, AttemptOutcome.Rejected },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_Status_FollowsDataPlaneContract(int? status, AttemptOutcome expected)
    {
        Assert.Equal(expected, ResponseClassifier.Classify(status));
    }
}
