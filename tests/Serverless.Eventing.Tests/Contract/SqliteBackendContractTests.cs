namespace Serverless.Eventing.Tests.Contract;

public sealed class SqliteBackendContractTests : BackendContractTests
{
    private protected override IBackendHarness Create(BrokerOptions options) => new SqliteBackendHarness(options);
}
