using Serverless.Activator.Configuration;
using Serverless.Autoscaler.Configuration;
using Serverless.Eventing;

namespace Serverless.Platform;

/// <summary>The validated sections of <c>config.json</c> (<see cref="PlatformConfiguration"/>).</summary>
internal sealed record ComponentConfiguration(AutoscalerOptions Autoscaler, ActivatorOptions Activator, BrokerOptions Broker);
