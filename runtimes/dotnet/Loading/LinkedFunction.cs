using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Serverless.Runtime.Dotnet.Events;
using Serverless.Runtime.Dotnet.Hosting;

namespace Serverless.Runtime.Dotnet.Loading;

/// <summary>
/// Entry point of a native function: the runtime and one function compiled together ahead of time (<c>func deploy</c>
/// with <c>build.native</c>). The function's assembly is part of the executable, so it is found by name instead of
/// loaded from FUNCTION_PATH, and its binding was generated at compile time (ASP.NET Core's request delegate
/// generator intercepts the <c>Map</c> call the build wrote) instead of built from reflection at start.
/// </summary>
public static class LinkedFunction
{
    private static Func<IEndpointRouteBuilder, object?, IEndpointConventionBuilder>? _map;

    internal static bool IsLinked => _map is not null;

    /// <param name="map">Maps the handler on the builder given, on the instance given for an instance method.</param>
    public static Task<int> RunAsync(Func<IEndpointRouteBuilder, object?, IEndpointConventionBuilder> map)
    {
        _map = map;
        return RuntimeHost.RunAsync(Environment.GetEnvironmentVariable, Console.Out, Console.Error);
    }

    internal static Assembly Load(HandlerName name)
    {
        try
        {
            return Assembly.Load(new AssemblyName(name.AssemblyName));
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException)
        {
            throw new HandlerLoadException(name.ToString(), $"assembly {name.AssemblyName} is not part of this native function (it was built for another handler)");
        }
    }

    /// <summary>The generated binding's request delegate, with the same event-returning filter as the reflected one.</summary>
    internal static RequestDelegate Bind(IServiceProvider services, MethodInfo method, object? instance)
    {
        var endpoints = new CapturingEndpoints(services);
        var convention = _map!(endpoints, instance);
        if (CloudEventBinding.MayReturnEvent(method))
        {
            convention.AddEndpointFilterFactory(CloudEventBinding.ReturnedEventFilter(method));
        }

        var endpoint = endpoints.DataSources.SelectMany(source => source.Endpoints).Single();
        return endpoint.RequestDelegate ?? throw new InvalidOperationException("the generated binding produced no request delegate");
    }

    /// <summary>Just enough of a route builder for one <c>Map</c> call: the endpoint is read back, never routed.</summary>
    private sealed class CapturingEndpoints(IServiceProvider services) : IEndpointRouteBuilder
    {
        public IServiceProvider ServiceProvider => services;

        public ICollection<EndpointDataSource> DataSources { get; } = new List<EndpointDataSource>();

        public IApplicationBuilder CreateApplicationBuilder() => throw new NotSupportedException("a native function's binding has no middleware");
    }
}
