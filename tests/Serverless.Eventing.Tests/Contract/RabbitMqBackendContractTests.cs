namespace Serverless.Eventing.Tests.Contract;

/// <summary>The contract against a real, private RabbitMQ node.</summary>
public sealed class RabbitMqBackendContractTests(RabbitMqFixture rabbitMq) : BackendContractTests, IClassFixture<RabbitMqFixture>
{
    private protected override IBackendHarness Create(BrokerOptions options) => new RabbitMqBackendHarness(rabbitMq.Server, options);
}
