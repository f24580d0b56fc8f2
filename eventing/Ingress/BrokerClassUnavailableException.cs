namespace Serverless.Eventing.Ingress;

/// <summary>
/// A Broker's class has no backend here (an unknown name, or <c>rabbitmq</c> with no <c>broker.rabbitmq-url</c>). An
/// <see cref="IOException"/> so the ingress answers 503 + Retry-After: fixing the annotation or the configuration heals it.
/// </summary>
internal sealed class BrokerClassUnavailableException(string message) : IOException(message);
