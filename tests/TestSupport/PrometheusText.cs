using System.Globalization;
using System.Text;
using Xunit;

namespace Serverless.TestSupport;

/// <summary>A strict-enough parser of the Prometheus text exposition format: a malformed line fails the test.</summary>
public static class PrometheusText
{
    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            samples.Add(ParseSample(line));
        }

        return samples;
    }

    /// <summary>The value of the one sample with this name and these labels; fails when absent.</summary>
    public static double Value(this IReadOnlyList<PrometheusSample> samples, string name, params (string Key, string Value)[] labels)
    {
        var matches = samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
        Assert.True(matches.Count == 1, $"expected one sample {name} {string.Join(",", labels)}, found {matches.Count}");
        return matches[0].Value;
    }

    /// <summary>
    /// As <see cref="Value"/>, but 0 when the series is absent: a labelled counter is exposed only once its first
    /// increment created it, so a wait on it must read "not yet", not fail.
    /// </summary>
    public static double ValueOrZero(this IReadOnlyList<PrometheusSample> samples, string name, params (string Key, string Value)[] labels) =>
        samples.Any(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)) ? samples.Value(name, labels) : 0;

    private static PrometheusSample ParseSample(string line)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or ':'))
        {
            i++;
        }

        var name = line[..i];
        Assert.False(string.IsNullOrEmpty(name), $"no metric name in: {line}");
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                Assert.True(eq > i, $"bad label in: {line}");
                var key = line[i..eq];
                Assert.Equal('"', line[eq + 1]);
                var value = new StringBuilder();
                var j = eq + 2;
                for (; line[j] != '"'; j++)
                {
                    if (line[j] == '\\')
                    {
                        j++;
                        value.Append(line[j] == 'n' ? '\n' : line[j]);
                    }
                    else
                    {
                        value.Append(line[j]);
                    }
                }

                labels.Add(key, value.ToString());
                i = j + 1;
                if (line[i] == ',')
                {
                    i++;
                }
            }

            i++;
        }

        var rest = line[i..].Trim().Split(' ');
        Assert.True(rest.Length is 1 or 2, $"expected value [timestamp] in: {line}");
        var number = rest[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(name, labels, number);
    }
}
