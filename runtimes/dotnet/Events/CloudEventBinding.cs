using System.Reflection;
using CloudNative.CloudEvents;
using Microsoft.AspNetCore.Http;

namespace Serverless.Runtime.Dotnet.Events;

/// <summary>
/// What a handler's signature says about events: a <see cref="CloudEvent"/> parameter receives the request's
/// event (non-nullable: the request must be one), and a returned <see cref="CloudEvent"/> goes back in binary mode.
/// </summary>
internal static class CloudEventBinding
{
    /// <summary>True when the method takes a non-nullable <see cref="CloudEvent"/>: a plain request is answered 400.</summary>
    public static bool RequiresEvent(MethodInfo method)
    {
        var nullability = new NullabilityInfoContext();
        return method.GetParameters().Any(p => p.ParameterType == typeof(CloudEvent) && nullability.Create(p).ReadState != NullabilityState.Nullable);
    }

    public static bool TakesEvent(MethodInfo method) => method.GetParameters().Any(p => p.ParameterType == typeof(CloudEvent));

    /// <summary>
    /// The declared result, unwrapped from Task/ValueTask, is CloudEvent (null then means 204, as in node and
    /// python) or object (which may turn out to be a CloudEvent at run time).
    /// </summary>
    public static bool MayReturnEvent(MethodInfo method) => UnwrappedReturnType(method) == typeof(CloudEvent) || UnwrappedReturnType(method) == typeof(object);

    /// <summary>
    /// The endpoint filter that sees what the handler returned before minimal-API would serialize it as JSON, and turns
    /// it into <see cref="ToResult"/>'s response: for both bindings, reflected (JIT host) and generated (native).
    /// </summary>
    public static Func<EndpointFilterFactoryContext, EndpointFilterDelegate, EndpointFilterDelegate> ReturnedEventFilter(MethodInfo method) =>
        (_, next) => async invocation => ToResult(method, await next(invocation));

    /// <summary>What the handler returned, as a response: an event in binary mode; null from a CloudEvent method 204.</summary>
    public static object? ToResult(MethodInfo method, object? returned) => returned switch
    {
        null when UnwrappedReturnType(method) == typeof(CloudEvent) => TypedResults.NoContent(),
        CloudEvent cloudEvent => new CloudEventResult(cloudEvent),
        _ => returned,
    };

    private static Type UnwrappedReturnType(MethodInfo method)
    {
        var type = method.ReturnType;
        return type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>))
            ? type.GetGenericArguments()[0]
            : type;
    }

    public static string NotAnEventDetail =>
        $"The function expects a CloudEvent, but the request is not one: it has neither a ce-specversion header nor Content-Type {CloudEventRequestReader.StructuredMediaType}";
}
