using System.Reflection;
using Microsoft.AspNetCore.Http;
using Serverless.Runtime.Dotnet.Events;

namespace Serverless.Runtime.Dotnet.Loading;

/// <summary>A bound handler, ready to serve. Owns the handler instance (if any) and disposes it at shutdown.</summary>
internal sealed class LoadedHandler(HandlerName name, MethodInfo method, RequestDelegate requestDelegate, object? instance) : IAsyncDisposable
{
    public HandlerName Name { get; } = name;

    public MethodInfo Method { get; } = method;

    /// <summary>The method takes a non-nullable CloudEvent: a request that is not an event is answered 400.</summary>
    public bool RequiresEvent { get; } = CloudEventBinding.RequiresEvent(method);

    /// <summary>The method has a CloudEvent parameter (nullable or not).</summary>
    public bool TakesEvent { get; } = CloudEventBinding.TakesEvent(method);

    /// <summary>The method wrapped with minimal-API binding: parameters from the request, result written to the response.</summary>
    public RequestDelegate RequestDelegate { get; } = requestDelegate;

    public async ValueTask DisposeAsync()
    {
        switch (instance)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
