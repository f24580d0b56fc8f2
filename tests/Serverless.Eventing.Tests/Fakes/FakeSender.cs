using Serverless.Eventing.Delivery;
using Serverless.Eventing.Events;

namespace Serverless.Eventing.Tests.Fakes;

/// <summary>Answers attempts from a script per target (the last answer repeats) and records each with its virtual time.</summary>
internal sealed class FakeSender(TimeProvider time) : IEventSender
{
    private readonly Dictionary<Uri, Queue<SendResult>> _scripts = [];
    private readonly List<(Uri Target, BrokerEvent Event, DateTimeOffset At)> _sent = [];

    /// <summary>When set, attempts wait on it, so a test can hold deliveries in flight.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public int MaxConcurrent { get; private set; }

    /// <summary>Released once per attempt as it starts.</summary>
    public SemaphoreSlim Entered { get; } = new(0);

    private int _concurrent;

    public IReadOnlyList<(Uri Target, BrokerEvent Event, DateTimeOffset At)> Sent
    {
        get
        {
            lock (_sent)
            {
                return _sent.ToList();
            }
        }
    }

    public void Script(Uri target, params SendResult[] answers) => _scripts[target] = new Queue<SendResult>(answers);

    public static SendResult Status(int code, string? error = null, TimeSpan? retryAfter = null) =>
        new(code, retryAfter, null, code is >= 200 and < 300 ? null : error ?? $"status {code}");

    public async Task<SendResult> SendAsync(Uri target, BrokerEvent cloudEvent, TimeSpan timeout, CancellationToken cancellationToken)
    {
        SendResult answer;
        lock (_sent)
        {
            _sent.Add((target, cloudEvent, time.GetUtcNow()));
            _concurrent++;
            MaxConcurrent = Math.Max(MaxConcurrent, _concurrent);
            var script = _scripts.TryGetValue(target, out var queue) ? queue : null;
            answer = script is null ? Status(202) : script.Count > 1 ? script.Dequeue() : script.Peek();
        }

        Entered.Release();

        try
        {
            if (Gate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            return answer;
        }
        finally
        {
            lock (_sent)
            {
                _concurrent--;
            }
        }
    }
}
