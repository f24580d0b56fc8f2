using System.Collections.Concurrent;
using Serverless.Core.Contracts;

namespace Serverless.Activator.Tests.Fakes;

internal sealed class RecordingScaleRequester : IScaleRequester
{
    public ConcurrentQueue<FunctionKey> Requests { get; } = new();

    public void RequestScaleFromZero(FunctionKey key) => Requests.Enqueue(key);
}
