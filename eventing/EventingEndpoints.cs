using Serverless.Eventing.Ingress;

namespace Serverless.Eventing;

/// <summary>
/// Where eventing's URLs point. Locally one ingress serves functions and brokers, a broker at
/// <c>{ingress}/brokers/{namespace}/{broker}</c>; on Kubernetes the activator's Service serves functions and the broker
/// role's own Service serves brokers at <c>{broker-ingress}/{namespace}/{broker}</c>, as Knative's multi-tenant broker.
/// </summary>
/// <param name="FunctionsUrl">The function ingress: a Function subscriber is <c>{FunctionsUrl}/{namespace}/{function}/</c>, so an event wakes a function at zero.</param>
/// <param name="BrokersUrl">The base of broker addresses, as clients reach them.</param>
/// <param name="BrokerPathPrefix">The path prefix this process's broker ingress serves under (<c>/brokers</c>, or empty on a broker-only server).</param>
public sealed record EventingEndpoints(string FunctionsUrl, string BrokersUrl, string BrokerPathPrefix)
{
    /// <summary>One ingress for both, the local platform's: brokers under <c>/brokers</c>.</summary>
    public static EventingEndpoints SharedIngress(string ingressUrl) =>
        new(ingressUrl, ingressUrl.TrimEnd('/') + BrokerIngressHandler.PathPrefix, BrokerIngressHandler.PathPrefix);

    /// <summary>A broker-only server (Kubernetes' broker role): brokers at the root of <paramref name="brokersUrl"/>.</summary>
    public static EventingEndpoints BrokerOnly(Uri functionsUrl, Uri brokersUrl) => new(functionsUrl.ToString(), brokersUrl.ToString(), "");

    /// <summary>The address of a broker, as written into its status.</summary>
    public string BrokerAddress(string @namespace, string broker) => $"{BrokersUrl.TrimEnd('/')}/{@namespace}/{broker}";
}
