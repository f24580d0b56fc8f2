using CloudNative.CloudEvents;
using Microsoft.Extensions.DependencyInjection;

namespace Serverless.Runtime.Dotnet.Events;

/// <summary>
/// The request's services plus its event: what a handler's <see cref="CloudEvent"/> parameter is bound from.
/// Minimal-API binding treats a registered service type as a service parameter but resolves it with
/// GetRequiredService even when the parameter is nullable; answering that here (with null when the request
/// is no event) is what lets <c>CloudEvent?</c> take plain requests. Everything else goes to the request scope.
/// </summary>
internal sealed class EventServiceProvider(IServiceProvider inner, CloudEvent? cloudEvent) : IKeyedServiceProvider, ISupportRequiredService
{
    /// <summary>
    /// Registers <see cref="CloudEvent"/> so that binding sees it as a service. Resolving it outside a request
    /// (a constructor asking for it) is a function bug, reported as such.
    /// </summary>
    public static void Register(IServiceCollection services) =>
        services.AddScoped<CloudEvent>(_ => throw new InvalidOperationException("a CloudEvent is only available as a parameter of the handler method"));

    public object? GetService(Type serviceType) => serviceType == typeof(CloudEvent) ? cloudEvent : inner.GetService(serviceType);

    public object GetRequiredService(Type serviceType) =>
        serviceType == typeof(CloudEvent) ? cloudEvent! : inner.GetRequiredService(serviceType);

    public object? GetKeyedService(Type serviceType, object? serviceKey) =>
        inner is IKeyedServiceProvider keyed ? keyed.GetKeyedService(serviceType, serviceKey) : null;

    public object GetRequiredKeyedService(Type serviceType, object? serviceKey) =>
        inner is IKeyedServiceProvider keyed
            ? keyed.GetRequiredKeyedService(serviceType, serviceKey)
            : throw new InvalidOperationException($"the request's services do not support keyed services ({serviceType})");
}
