using System.Collections.Concurrent;
using Serverless.Core.Contracts;

namespace Serverless.Activator.Tests.Fakes;

internal sealed class RecordingConcurrencySink : IConcurrencySink
{
    public ConcurrentQueue<ConcurrencySample> Samples { get; } = new();

    public void Report(ConcurrencySample sample) => Samples.Enqueue(sample);
}
