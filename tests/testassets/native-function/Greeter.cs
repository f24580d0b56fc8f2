using System.Text.Json;
using System.Text.Json.Serialization;
using CloudNative.CloudEvents;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace NativeTest;

/// <summary>
/// An instance handler with constructor injection, a query value, the JSON body, a nullable CloudEvent and the
/// request's token: what a native build must bind as the JIT host binds it (generated code instead of reflection).
/// Its JSON goes through a source-generated context, as code compiled ahead of time should; the body is read with
/// reflection-based JSON on purpose, which the build reports as a warning in this file.
/// </summary>
public sealed class Greeter(ILogger<Greeter> logger, IConfiguration configuration) : IDisposable
{
    private int _calls;

    public async Task<object> Handle(HttpRequest request, string? name, CloudEvent? cloudEvent, CancellationToken cancellationToken)
    {
        var calls = Interlocked.Increment(ref _calls);
        logger.LogInformation("call {Calls}", calls);
        if (cloudEvent is not null)
        {
            return new CloudEvent
            {
                Type = cloudEvent.Type + ".greeted",
                Source = new Uri("urn:native-test"),
                DataContentType = "application/json",
                Data = new { original = cloudEvent.Id },
            };
        }

        switch (request.Query["do"].ToString())
        {
            case "fail":
                throw new InvalidOperationException("asked to fail");
            case "sleep":
                await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
                return "woke up";
            case "status":
                return Results.StatusCode(StatusCodes.Status201Created);
        }

        if (request.Method == HttpMethods.Post)
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: cancellationToken);
            return TypedResults.Json(new Received(body, calls), GreeterJson.Default.Received);
        }

        return TypedResults.Json(new Greeting($"Hello, {name ?? "world"}", configuration["K_SERVICE"], configuration["GREETING_FROM"], calls), GreeterJson.Default.Greeting);
    }

    public void Dispose() => logger.LogInformation("disposed");
}

public sealed record Greeting(string Text, string? Service, string? From, int Calls);

public sealed record Received(JsonElement Body, int Calls);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Greeting))]
[JsonSerializable(typeof(Received))]
internal sealed partial class GreeterJson : JsonSerializerContext;
