using Serverless.Core.Contracts;

namespace Serverless.Autoscaler.Tests.Fakes;

/// <summary>The activator's live view: set by the test, or the real activator's once <see cref="Target"/> is attached.</summary>
internal sealed class FakeActivity : IFunctionActivity
{
    private int _active;

    public int Active
    {
        get => Volatile.Read(ref _active);
        set => Volatile.Write(ref _active, value);
    }

    /// <summary>When set, answers for the fake (breaks the activator ↔ autoscaler construction cycle, as the platform's relay does).</summary>
    public IFunctionActivity? Target { get; set; }

    public int ActiveRequests(FunctionKey key) => Target?.ActiveRequests(key) ?? Active;

    public int InFlight(FunctionKey key, string instanceId) => Target?.InFlight(key, instanceId) ?? 0;
}
