using Serverless.Core.Api;

namespace Serverless.Deploy.Tests.Schema;

public sealed class BrokerSchemaTests
{
    public static TheoryData<string, string> CoreCases => SpecCases.AsTheory(SpecCases.CoreBrokerCases());

    [Theory]
    [MemberData(nameof(CoreCases))]
    public void Schema_CoreValidationCase_GivesCoreVerdict(string label, string json) =>
        Conformance.AssertSameVerdict(label, Broker.KindName, json);
}
