using Serverless.Core.Contracts;

namespace Serverless.Autoscaler.Ingest;

/// <summary>One <c>POST /stats</c> body: the reporting activator's name and its samples.</summary>
internal sealed record StatsReport(string Activator, IReadOnlyList<ConcurrencySample> Samples);
