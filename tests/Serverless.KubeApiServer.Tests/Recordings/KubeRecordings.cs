using System.Globalization;
using System.Text.Json.Nodes;
using Serverless.TestSupport;

namespace Serverless.KubeApiServer.Tests.Recordings;

/// <summary>
/// Reads the real kube-apiserver v1.32 recordings kept in <c>tests/testassets/kube-recordings</c>
/// (a copy of <c>../shared/kube-recordings</c>; see its README.md for how they were made).
/// </summary>
internal static class KubeRecordings
{
    public static readonly string[] Scenarios = ["table", "list", "write", "watch"];

    public static string Folder => Path.Combine(RepoPaths.Root, "tests", "testassets", "kube-recordings");

    /// <summary>The shared original, when this checkout sits next to it (<c>../shared/kube-recordings</c>).</summary>
    public static string SharedFolder => Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "kube-recordings"));

    public static IReadOnlyList<RecordedStep> Scenario(string scenario)
    {
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "http", scenario + ".json")))!.AsObject();
        return file["steps"]!.AsArray().Select(s => Step(scenario, s!.AsObject())).ToList();
    }

    public static IReadOnlyList<RecordedStep> Discovery() =>
        Directory.GetFiles(Path.Combine(Folder, "discovery"), "*.json")
            .Order(StringComparer.Ordinal)
            .Select(path => DiscoveryStep(Path.GetFileNameWithoutExtension(path), JsonNode.Parse(File.ReadAllText(path))!.AsObject()))
            .ToList();

    private static RecordedStep Step(string scenario, JsonObject step)
    {
        var request = step["request"]!.AsObject();
        var response = step["response"]!.AsObject();
        var method = request["method"]!.GetValue<string>();
        var headers = response["headers"]?.AsObject() ?? [];
        var warnings = headers["Warning"]?.GetValue<string>() is { } warning
            ? warning.Split(" ;; ", StringSplitOptions.RemoveEmptyEntries)
            : [];
        return new RecordedStep(
            scenario,
            step["step"]!.GetValue<string>(),
            new RecordedRequest(
                method.Replace(" (watch)", "", StringComparison.Ordinal),
                request["path"]!.GetValue<string>(),
                request["contentType"]?.GetValue<string>(),
                request["accept"]?.GetValue<string>(),
                request["body"]?.DeepClone(),
                method.EndsWith("(watch)", StringComparison.Ordinal)),
            new ObservedResponse(
                response["status"]!.GetValue<int>(),
                headers["Content-Type"]?.GetValue<string>(),
                warnings,
                response["body"]?.DeepClone(),
                response["events"]?.AsArray().Select(e => e!["line"]!.AsObject()).ToList(),
                headers["_streamEnded_ms"] is not null));
    }

    // Discovery files keep the raw header lines ("HTTP/2 200 ", "content-type: …").
    private static RecordedStep DiscoveryStep(string name, JsonObject file)
    {
        var request = file["request"]!.AsObject();
        var lines = file["responseHeaders"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();
        var status = int.Parse(lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        var contentType = lines.Skip(1)
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2 && p[0].Trim().Equals("content-type", StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim())
            .FirstOrDefault();
        return new RecordedStep(
            "discovery",
            name,
            new RecordedRequest(request["method"]!.GetValue<string>(), request["path"]!.GetValue<string>(), null, request["accept"]?.GetValue<string>(), null, IsWatch: false),
            new ObservedResponse(status, contentType, [], file["body"]?.DeepClone(), null, StreamEnded: false));
    }
}
