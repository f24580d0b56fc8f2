using System.Text;
using System.Text.Json;
using Serverless.Autoscaler.Ingest;
using Serverless.Core.Contracts;
using Serverless.Core.Wire.Stats;

namespace Serverless.Autoscaler.Tests.Ingest;

public sealed class StatsReportParserTests
{
    private const string Sample = """{"namespace":"default","name":"hello","time":"2026-01-01T00:00:01Z","averageConcurrency":1.5,"peakConcurrency":3,"requestsPerSecond":10,"queueDepth":1""";

    private static ReadOnlyMemory<byte> Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void TryParseReport_ContractExample_ReadsEveryField()
    {
        var body = """{"activator":"activator-0","samples":[""" + Sample + ""","instances":{"pod-a":2,"pod-b":0}}]}""";

        Assert.True(StatsReportParser.TryParseReport(Utf8(body), out var report, out var error), error);

        Assert.Equal("activator-0", report!.Activator);
        var sample = Assert.Single(report.Samples);
        Assert.Equal(new FunctionKey("default", "hello"), sample.Key);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 1, TimeSpan.Zero), sample.Time);
        Assert.Equal((1.5, 3, 10.0, 1), (sample.AverageConcurrency, sample.PeakConcurrency, sample.RequestsPerSecond, sample.QueueDepth));
        Assert.Equal(2, sample.InFlight); // the sum of instances when inFlight is absent
        Assert.Equal(new Dictionary<string, int> { ["pod-a"] = 2, ["pod-b"] = 0 }, sample.Instances);
    }

    [Fact]
    public void TryParseReport_WhatTheActivatorWrites_ReadsTheSameSample()
    {
        // inFlight 4 is not the sum of instances: it is read, not defaulted.
        var written = new ConcurrencySample(
            new FunctionKey("default", "hello"), new DateTimeOffset(2026, 1, 1, 0, 0, 1, TimeSpan.Zero), 1.5, 3, 10, 1, 4, new Dictionary<string, int> { ["pod-a"] = 2, ["pod-b"] = 0 });
        var body = JsonSerializer.SerializeToUtf8Bytes(new StatsReportBody("activator-0", [StatsSampleBody.From(written)]), StatsJsonContext.Default.StatsReportBody);

        Assert.True(StatsReportParser.TryParseReport(body, out var report, out var error), error);

        Assert.Equal("activator-0", report!.Activator);
        var read = Assert.Single(report.Samples);
        Assert.Equal(written with { Instances = null }, read with { Instances = null });
        Assert.Equal(written.Instances, read.Instances);
    }

    [Fact]
    public void TryParseFunction_WhatTheActivatorWrites_ReadsTheSameKey()
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new FunctionRefBody("default", "hello"), StatsJsonContext.Default.FunctionRefBody);

        Assert.True(StatsReportParser.TryParseFunction(body, out var key, out var error), error);

        Assert.Equal(new FunctionKey("default", "hello"), key);
    }

    [Theory]
    [InlineData("not JSON", "{", "body: not valid JSON")]
    [InlineData("an array", "[]", "body: must be a JSON object")]
    [InlineData("no activator", """{"samples":[]}""", "activator: must be a non-empty string")]
    [InlineData("samples not an array", """{"activator":"a","samples":{}}""", "samples: must be an array")]
    [InlineData("sample not an object", """{"activator":"a","samples":[1]}""", "samples[0]: must be an object")]
    [InlineData("bad namespace", """{"activator":"a","samples":[{"namespace":"Default","name":"x"}]}""", "samples[0].namespace: must be a DNS-1123 label")]
    [InlineData("missing name", """{"activator":"a","samples":[{"namespace":"default"}]}""", "samples[0].name: must be a non-empty string")]
    [InlineData("bad time", """{"activator":"a","samples":[{"namespace":"default","name":"x","time":"yesterday"}]}""", "samples[0].time: must be an RFC 3339 time")]
    [InlineData("negative concurrency", """{"activator":"a","samples":[{"namespace":"default","name":"x","time":"2026-01-01T00:00:00Z","averageConcurrency":-1}]}""", "samples[0].averageConcurrency: must be a number of 0 or more")]
    [InlineData("fractional peak", """{"activator":"a","samples":[{"namespace":"default","name":"x","time":"2026-01-01T00:00:00Z","averageConcurrency":1,"peakConcurrency":1.5}]}""", "samples[0].peakConcurrency: must be a whole number of 0 or more")]
    [InlineData("missing queue depth", """{"activator":"a","samples":[{"namespace":"default","name":"x","time":"2026-01-01T00:00:00Z","averageConcurrency":1,"peakConcurrency":1,"requestsPerSecond":0}]}""", "samples[0].queueDepth: must be a whole number of 0 or more")]
    [InlineData("negative instance count", """{"activator":"a","samples":[{"namespace":"default","name":"x","time":"2026-01-01T00:00:00Z","averageConcurrency":1,"peakConcurrency":1,"requestsPerSecond":0,"queueDepth":0,"instances":{"p":-1}}]}""", "samples[0].instances[\"p\"]: must be a whole number")]
    public void TryParseReport_BadBody_NamesTheField(string label, string body, string expected)
    {
        Assert.False(StatsReportParser.TryParseReport(Utf8(body), out _, out var error));

        Assert.True(error!.StartsWith(expected, StringComparison.Ordinal), $"{label}: {error}");
    }

    [Theory]
    [InlineData("""{"namespace":"default","name":"hello"}""", null)]
    [InlineData("""{"name":"hello"}""", "namespace: must be a non-empty string")]
    [InlineData("""{"namespace":"default","name":"../etc"}""", "name: must be a DNS-1123 label")]
    public void TryParseFunction_Body_KeyOrFieldError(string body, string? expected)
    {
        var ok = StatsReportParser.TryParseFunction(Utf8(body), out var key, out var error);

        Assert.Equal(expected is null, ok);
        if (expected is null)
        {
            Assert.Equal(new FunctionKey("default", "hello"), key);
        }
        else
        {
            Assert.StartsWith(expected, error, StringComparison.Ordinal);
        }
    }
}
