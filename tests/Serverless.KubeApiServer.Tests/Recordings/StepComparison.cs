using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.KubeApiServer.Http;

namespace Serverless.KubeApiServer.Tests.Recordings;

/// <summary>
/// Compares a recorded answer with the double's: codes, reasons, causes' field paths, Warning headers and body
/// shapes. Values that differ on every run (uids, timestamps, resourceVersions, managedFields times) are not
/// compared; a value the recorder trimmed (<c>"(trimmed: …)"</c>) matches anything.
/// </summary>
internal static class StepComparison
{
    public static IReadOnlyList<StepDifference> Compare(ObservedResponse expected, ObservedResponse actual, bool stringListValues = false)
    {
        var differences = new List<StepDifference>();
        void Add(StepAspect aspect, string detail) => differences.Add(new StepDifference(aspect, detail));

        if (expected.Status != actual.Status)
        {
            Add(StepAspect.Status, $"{expected.Status} expected, got {actual.Status}");
        }

        if (Normalize(expected.ContentType) != Normalize(actual.ContentType))
        {
            Add(StepAspect.ContentType, $"'{expected.ContentType}' expected, got '{actual.ContentType}'");
        }

        if (!expected.Warnings.SequenceEqual(actual.Warnings))
        {
            Add(StepAspect.Warnings, $"[{string.Join(" | ", expected.Warnings)}] expected, got [{string.Join(" | ", actual.Warnings)}]");
        }

        if (expected.Events is not null)
        {
            foreach (var detail in CompareEvents(expected, actual))
            {
                Add(StepAspect.Events, detail);
            }

            return differences;
        }

        if (IsStatus(expected.Body))
        {
            var expectedReason = expected.Body!["reason"]?.GetValue<string>();
            var actualReason = IsStatus(actual.Body) ? actual.Body!["reason"]?.GetValue<string>() : "(no Status body)";
            if (expectedReason != actualReason)
            {
                Add(StepAspect.Reason, $"'{expectedReason}' expected, got '{actualReason}'");
            }

            var expectedCauses = Causes(expected.Body);
            var actualCauses = Causes(actual.Body);
            if (!expectedCauses.SequenceEqual(actualCauses))
            {
                Add(StepAspect.Causes, $"[{string.Join(", ", expectedCauses)}] expected, got [{string.Join(", ", actualCauses)}]");
            }
        }

        foreach (var detail in CompareBody(expected, actual))
        {
            Add(StepAspect.Body, detail);
        }

        if (stringListValues)
        {
            var lists = new List<string>();
            CompareStringLists(expected.Body, actual.Body, "$", lists);
            differences.AddRange(lists.Select(detail => new StepDifference(StepAspect.Body, detail)));
        }

        return differences;
    }

    // Discovery documents are stable: their lists of names (verbs, shortNames, keys) must match value for value.
    private static void CompareStringLists(JsonNode? expected, JsonNode? actual, string path, List<string> differences)
    {
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                foreach (var (key, value) in e)
                {
                    CompareStringLists(value, a[key], $"{path}.{key}", differences);
                }

                break;
            case (JsonArray e, JsonArray a) when e.Count > 0 && e.All(i => i is JsonValue v && v.GetValueKind() == JsonValueKind.String):
                var expectedValues = e.Select(i => i!.GetValue<string>()).ToList();
                var actualValues = a.Select(i => i is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : i?.ToJsonString() ?? "null").ToList();
                if (!expectedValues.SequenceEqual(actualValues))
                {
                    differences.Add($"{path}: [{string.Join(", ", expectedValues)}] expected, got [{string.Join(", ", actualValues)}]");
                }

                break;
            case (JsonArray e, JsonArray a):
                for (var i = 0; i < Math.Min(e.Count, a.Count); i++)
                {
                    CompareStringLists(e[i], a[i], path + "[]", differences);
                }

                break;
        }
    }

    /// <summary>Key sets at each level and value kinds; <c>time</c> in managedFields entries is ignored.</summary>
    public static void CompareShape(JsonNode? expected, JsonNode? actual, string path, List<string> differences)
    {
        switch (expected)
        {
            case JsonValue trimmed when trimmed.TryGetValue<string>(out var text) && text.StartsWith("(trimmed", StringComparison.Ordinal):
                return;
            case JsonObject e:
                if (actual is not JsonObject a)
                {
                    differences.Add($"{path}: object expected, got {Kind(actual)}");
                    return;
                }

                var ignored = path.EndsWith(".managedFields[]", StringComparison.Ordinal) ? "time" : null;
                var expectedKeys = e.Select(p => p.Key).Where(k => k != ignored).ToHashSet(StringComparer.Ordinal);
                var actualKeys = a.Select(p => p.Key).Where(k => k != ignored).ToHashSet(StringComparer.Ordinal);
                var missing = expectedKeys.Except(actualKeys).Order(StringComparer.Ordinal).ToList();
                var extra = actualKeys.Except(expectedKeys).Order(StringComparer.Ordinal).ToList();
                if (missing.Count > 0)
                {
                    differences.Add($"{path}: missing {string.Join(", ", missing)}");
                }

                if (extra.Count > 0)
                {
                    differences.Add($"{path}: unexpected {string.Join(", ", extra)}");
                }

                foreach (var key in expectedKeys.Intersect(actualKeys))
                {
                    CompareShape(e[key], a[key], $"{path}.{key}", differences);
                }

                return;
            case JsonArray e:
                if (actual is not JsonArray arr)
                {
                    differences.Add($"{path}: array expected, got {Kind(actual)}");
                    return;
                }

                if (e.Count != arr.Count)
                {
                    differences.Add($"{path}: {e.Count} items expected, got {arr.Count}");
                }

                for (var i = 0; i < Math.Min(e.Count, arr.Count); i++)
                {
                    CompareShape(e[i], arr[i], path + "[]", differences);
                }

                return;
            default:
                if (Kind(expected) != Kind(actual))
                {
                    differences.Add($"{path}: {Kind(expected)} expected, got {Kind(actual)}");
                }

                return;
        }
    }

    private static IEnumerable<string> CompareBody(ObservedResponse expected, ObservedResponse actual)
    {
        var differences = new List<string>();
        if (expected.Body is JsonValue value && value.TryGetValue<string>(out var text))
        {
            var mediaType = Normalize(expected.ContentType);
            if (mediaType.StartsWith("application/yaml", StringComparison.Ordinal))
            {
                var actualText = actual.Body is JsonValue a && a.TryGetValue<string>(out var t) ? t : actual.Body?.ToJsonString() ?? "";
                CompareShape(YamlToJson.Convert(text), YamlToJson.Convert(actualText), "$", differences);
            }
            else if (mediaType.Contains("protobuf", StringComparison.Ordinal))
            {
                // Protobuf bytes: the Content-Type comparison covers them.
            }
            else if (actual.Body is not JsonValue actualValue || !actualValue.TryGetValue<string>(out var actualText) || actualText != text)
            {
                differences.Add($"text '{text.Trim()}' expected, got '{Truncate(actual.Body)}'");
            }

            return differences;
        }

        CompareShape(expected.Body, actual.Body, "$", differences);
        return differences;
    }

    private static IEnumerable<string> CompareEvents(ObservedResponse expected, ObservedResponse actual)
    {
        var differences = new List<string>();
        var actualEvents = actual.Events ?? [];
        var expectedTypes = expected.Events!.Where(e => !IsBookmark(e)).ToList();
        var actualTypes = actualEvents.Where(e => !IsBookmark(e)).ToList();
        var expectedNames = expectedTypes.Select(Type).ToList();
        var actualNames = actualTypes.Select(Type).ToList();
        if (!expectedNames.SequenceEqual(actualNames))
        {
            differences.Add($"events [{string.Join(", ", expectedNames)}] expected, got [{string.Join(", ", actualNames)}]");
        }
        else
        {
            for (var i = 0; i < expectedTypes.Count; i++)
            {
                var e = expectedTypes[i]["object"];
                var a = actualTypes[i]["object"];
                if (IsStatus(e) && (e!["code"]?.GetValue<int>() != a?["code"]?.GetValue<int>() || e["reason"]?.GetValue<string>() != a?["reason"]?.GetValue<string>()))
                {
                    differences.Add($"event {i}: {e["code"]} {e["reason"]} expected, got {a?["code"]} {a?["reason"]}");
                }

                CompareShape(e, a, $"event[{i}]", differences);
            }
        }

        var expectedBookmark = expected.Events!.FirstOrDefault(IsBookmark);
        var actualBookmark = actualEvents.FirstOrDefault(IsBookmark);
        if (expectedBookmark is not null && actualBookmark is null)
        {
            differences.Add("a BOOKMARK expected, got none");
        }
        else if (expectedBookmark is not null)
        {
            CompareShape(expectedBookmark["object"], actualBookmark!["object"], "bookmark", differences);
        }

        if (expected.StreamEnded != actual.StreamEnded)
        {
            differences.Add(expected.StreamEnded ? "the stream should have ended" : "the stream should have stayed open");
        }

        return differences;
    }

    private static bool IsStatus(JsonNode? body) => body is JsonObject o && o["kind"]?.GetValue<string>() == "Status";

    private static bool IsBookmark(JsonObject e) => Type(e) == "BOOKMARK";

    private static string? Type(JsonObject e) => e["type"]?.GetValue<string>();

    private static List<string> Causes(JsonNode? body) =>
        (body?["details"]?["causes"] as JsonArray ?? [])
            .Select(c => $"{c?["reason"]?.GetValue<string>()}@{c?["field"]?.GetValue<string>()}")
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string Normalize(string? contentType) =>
        (contentType ?? "").Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();

    private static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "null",
        },
        _ => "?",
    };

    private static string Truncate(JsonNode? node)
    {
        var text = node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? "";
        return text.Length > 200 ? text[..200] + "…" : text.Trim();
    }
}
