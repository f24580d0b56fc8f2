using Microsoft.AspNetCore.Http;
using YamlDotNet.Serialization;

namespace DotnetTest;

/// <summary>Parses a YAML mapping body with a NuGet package only the function references.</summary>
public static class YamlHandler
{
    public static async Task<IResult> Parse(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken);
        var map = new DeserializerBuilder().Build().Deserialize<Dictionary<string, string>>(text);
        return Results.Json(map);
    }
}
