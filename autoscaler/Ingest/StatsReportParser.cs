using System.Text.Json;
using Serverless.Core.Contracts;
using Serverless.Core.Naming;
using Serverless.Core.Wire.Stats;

namespace Serverless.Autoscaler.Ingest;

/// <summary>
/// Reads the activator's <c>POST /stats</c> (<see cref="StatsReportBody"/>) and <c>POST /scale-from-zero</c>
/// (<see cref="FunctionRefBody"/>) bodies, pure. A bad body gives one message naming the field by its JSON path
/// (<c>samples[2].time: must be an RFC 3339 time</c>), for the 400.
/// </summary>
/// <remarks>
/// Not the serializer: it would stop at the first mismatch in document order with its own message. The field names are
/// the records' (<see cref="StatsFields"/>). <c>inFlight</c> defaults to the sum of <c>instances</c>. Unknown fields
/// are ignored, so a newer activator can add some.
/// </remarks>
internal static class StatsReportParser
{
    public static bool TryParseReport(ReadOnlyMemory<byte> body, out StatsReport? report, out string? error)
    {
        report = null;
        if (!TryParseObject(body, out var document, out error))
        {
            return false;
        }

        using (document)
        {
            var root = document!.RootElement;
            if (!TryText(root, StatsFields.Activator, StatsFields.Activator, out var activator, out error))
            {
                return false;
            }

            if (!root.TryGetProperty(StatsFields.Samples, out var samplesElement) || samplesElement.ValueKind != JsonValueKind.Array)
            {
                error = $"{StatsFields.Samples}: must be an array";
                return false;
            }

            var samples = new List<ConcurrencySample>(samplesElement.GetArrayLength());
            var i = 0;
            foreach (var element in samplesElement.EnumerateArray())
            {
                if (!TryParseSample(element, $"{StatsFields.Samples}[{i}]", out var sample, out error))
                {
                    return false;
                }

                samples.Add(sample);
                i++;
            }

            report = new StatsReport(activator!, samples);
            return true;
        }
    }

    public static bool TryParseFunction(ReadOnlyMemory<byte> body, out FunctionKey key, out string? error)
    {
        key = default;
        if (!TryParseObject(body, out var document, out error))
        {
            return false;
        }

        using (document)
        {
            return TryKey(document!.RootElement, "", out key, out error);
        }
    }

    private static bool TryParseSample(JsonElement element, string path, out ConcurrencySample sample, out string? error)
    {
        sample = default;
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = $"{path}: must be an object";
            return false;
        }

        if (!TryKey(element, path + ".", out var key, out error))
        {
            return false;
        }

        if (!element.TryGetProperty(StatsFields.Time, out var timeElement) || timeElement.ValueKind != JsonValueKind.String || !timeElement.TryGetDateTimeOffset(out var time))
        {
            error = $"{path}.{StatsFields.Time}: must be an RFC 3339 time such as 2026-01-01T00:00:00Z";
            return false;
        }

        if (!TryNumber(element, path, StatsFields.AverageConcurrency, out var average, out error)
            || !TryCount(element, path, StatsFields.PeakConcurrency, required: true, out var peak, out error)
            || !TryNumber(element, path, StatsFields.RequestsPerSecond, out var rps, out error)
            || !TryCount(element, path, StatsFields.QueueDepth, required: true, out var queue, out error)
            || !TryInstances(element, path, out var instances, out error)
            || !TryCount(element, path, StatsFields.InFlight, required: false, out var inFlight, out error))
        {
            return false;
        }

        if (!element.TryGetProperty(StatsFields.InFlight, out _))
        {
            inFlight = instances?.Values.Sum() ?? 0;
        }

        sample = new ConcurrencySample(key, time, average, peak, rps, queue, inFlight, instances);
        return true;
    }

    private static bool TryKey(JsonElement element, string prefix, out FunctionKey key, out string? error)
    {
        key = default;
        if (!TryText(element, StatsFields.Namespace, prefix + StatsFields.Namespace, out var ns, out error)
            || !TryText(element, StatsFields.Name, prefix + StatsFields.Name, out var name, out error))
        {
            return false;
        }

        if (!Names.IsDns1123Label(ns) || !Names.IsDns1123Label(name))
        {
            error = $"{prefix}{(Names.IsDns1123Label(ns) ? StatsFields.Name : StatsFields.Namespace)}: must be a DNS-1123 label (lower-case letters, digits and '-', at most 63)";
            return false;
        }

        key = new FunctionKey(ns!, name!);
        return true;
    }

    private static bool TryText(JsonElement element, string property, string path, out string? value, out string? error)
    {
        value = element.TryGetProperty(property, out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;
        error = string.IsNullOrEmpty(value) ? $"{path}: must be a non-empty string" : null;
        return error is null;
    }

    private static bool TryNumber(JsonElement element, string path, string property, out double value, out string? error)
    {
        value = 0;
        if (element.TryGetProperty(property, out var number) && number.ValueKind == JsonValueKind.Number && number.TryGetDouble(out value) && double.IsFinite(value) && value >= 0)
        {
            error = null;
            return true;
        }

        error = $"{path}.{property}: must be a number of 0 or more";
        return false;
    }

    private static bool TryCount(JsonElement element, string path, string property, bool required, out int value, out string? error)
    {
        value = 0;
        error = null;
        if (!element.TryGetProperty(property, out var number))
        {
            if (!required)
            {
                return true;
            }
        }
        else if (number.ValueKind == JsonValueKind.Number && number.TryGetInt32(out value) && value >= 0)
        {
            return true;
        }

        error = $"{path}.{property}: must be a whole number of 0 or more";
        return false;
    }

    private static bool TryInstances(JsonElement element, string path, out Dictionary<string, int>? instances, out string? error)
    {
        instances = null;
        error = null;
        if (!element.TryGetProperty(StatsFields.Instances, out var map) || map.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (map.ValueKind != JsonValueKind.Object)
        {
            error = $"{path}.{StatsFields.Instances}: must be an object of instance id to requests in flight";
            return false;
        }

        instances = [];
        foreach (var instance in map.EnumerateObject())
        {
            if (instance.Name.Length == 0 || instance.Value.ValueKind != JsonValueKind.Number || !instance.Value.TryGetInt32(out var count) || count < 0)
            {
                error = $"{path}.{StatsFields.Instances}[\"{instance.Name}\"]: must be a whole number of 0 or more under a non-empty instance id";
                return false;
            }

            instances[instance.Name] = count;
        }

        return true;
    }

    private static bool TryParseObject(ReadOnlyMemory<byte> body, out JsonDocument? document, out string? error)
    {
        document = null;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            error = $"body: not valid JSON ({e.Message})";
            return false;
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            document = null;
            error = "body: must be a JSON object";
            return false;
        }

        error = null;
        return true;
    }
}
