using CloudNative.CloudEvents;
using Microsoft.AspNetCore.Http;

namespace Serverless.Runtime.Dotnet.Events;

/// <summary>A CloudEvent returned by a handler: sent back in binary mode, status 200.</summary>
internal sealed class CloudEventResult(CloudEvent cloudEvent) : IResult
{
    public CloudEvent Event { get; } = cloudEvent;

    public Task ExecuteAsync(HttpContext httpContext) =>
        CloudEventResponseWriter.WriteBinaryAsync(httpContext.Response, Event, httpContext.RequestAborted);
}
