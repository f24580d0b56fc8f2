using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serverless.Activator.Tracing;
using Serverless.Eventing.Tracing;

namespace Serverless.Platform;

/// <summary>
/// OTLP export of the platform's spans, configured by OpenTelemetry's standard variables
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> grpc or http/protobuf, <c>OTEL_BSP_*</c>, …)
/// and off when the endpoint is unset: then no listener exists and the activator creates no span at all.
/// </summary>
internal static class PlatformTracing
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <returns>The provider to dispose at shutdown (it flushes what is buffered), or null when export is off.</returns>
    public static TracerProvider? Start(string serviceName, Func<string, string?> environment)
    {
        if (string.IsNullOrWhiteSpace(environment(EndpointVariable)))
        {
            return null;
        }

        return Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .AddSource(ActivatorTracing.SourceName, BrokerTracing.SourceName)
            .AddOtlpExporter()
            .Build();
    }
}
