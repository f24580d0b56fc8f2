namespace Serverless.Platform.Tests.Monitoring;

/// <summary>One span as an OTLP receiver decodes it: ids as lower-case hex (the parent empty for a root), name and kind.</summary>
internal sealed record OtlpSpan(string TraceId, string SpanId, string ParentSpanId, string Name, int Kind);
