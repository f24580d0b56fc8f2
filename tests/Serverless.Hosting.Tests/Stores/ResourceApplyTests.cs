using k8s.Models;
using Serverless.Core.Contracts;
using Serverless.Hosting.Stores;

namespace Serverless.Hosting.Tests.Stores;

/// <summary>
/// <see cref="ResourceApply{T}"/> against a scripted store. A script lists the calls the helper must make, in
/// order, each with what the store answers: <c>create:AlreadyExists get:old replace:ok</c>. For a get, <c>old</c>
/// is a live object that differs from the desired one, <c>same</c> one that does not, <c>none</c> no object;
/// the cached copy an apply may start from is named the same way.
/// </summary>
public sealed class ResourceApplyTests
{
    private const string Desired = "new";

    [Theory]
    [InlineData("name free", "", "create:ok", "Created")]
    [InlineData("name taken", "", "create:AlreadyExists get:old replace:ok", "Replaced")]
    [InlineData("name taken, already as desired", "", "create:AlreadyExists get:same", "Unchanged")]
    [InlineData("lost a race once", "", "create:AlreadyExists get:old replace:Conflict get:old replace:ok", "Replaced")]
    [InlineData("deleted between read and write", "", "create:AlreadyExists get:old replace:NotFound get:none create:ok", "Created")]
    [InlineData("deleted before the read", "", "create:AlreadyExists get:none create:ok", "Created")]
    [InlineData("cached copy differs", "old", "replace:ok", "Replaced")]
    [InlineData("cached copy as desired", "same", "", "Unchanged")]
    [InlineData("cached copy stale", "old", "replace:Conflict get:same", "Unchanged")]
    [InlineData("cached copy deleted meanwhile", "old", "replace:NotFound get:none create:ok", "Created")]
    [InlineData("conflicts on every write", "", "create:AlreadyExists get:old replace:Conflict get:old replace:Conflict", "throws Conflict")]
    [InlineData("invalid is final", "", "create:Invalid", "throws Invalid")]
    [InlineData("conflict on create is final", "", "create:Conflict", "throws Conflict")]
    [InlineData("not found on create is final", "", "create:NotFound", "throws NotFound")]
    [InlineData("expired on replace is final", "old", "replace:Expired", "throws Expired")]
    [InlineData("other failures pass through", "", "create:AlreadyExists get:old replace:crash", "throws InvalidOperationException")]
    public async Task ApplyAsync_Script_CallsAndOutcome(string label, string cached, string script, string expected)
    {
        var store = new ScriptedStore(script);
        var apply = store.Apply(maxAttempts: 3);

        var outcome = await OutcomeOf(() => apply.ApplyAsync(Object(Desired), Cached(cached), Merge, CancellationToken.None));

        Assert.True(expected == outcome, $"{label}: {outcome}");
        store.AssertDone(label);
    }

    [Theory]
    [InlineData("first write wins", "get:old replace:ok", "Replaced")]
    [InlineData("lost a race once", "get:old replace:Conflict get:old replace:ok", "Replaced")]
    [InlineData("conflicts on every write", "get:old replace:Conflict get:old replace:Conflict get:old replace:Conflict", "throws Conflict")]
    [InlineData("no such object", "get:none", "throws NotFound")]
    [InlineData("deleted between read and write", "get:old replace:NotFound", "throws NotFound")]
    public async Task UpdateAsync_Script_CallsAndOutcome(string label, string script, string expected)
    {
        var store = new ScriptedStore(script);
        var apply = store.Apply(maxAttempts: 3);

        var outcome = await OutcomeOf(async () =>
            new ApplyResult<V1ConfigMap>(ApplyOutcome.Replaced, await apply.UpdateAsync("default", "a", live => Merge(live, Object(Desired))!, CancellationToken.None)));

        Assert.True(expected == outcome, $"{label}: {outcome}");
        store.AssertDone(label);
    }

    [Fact]
    public async Task ApplyAsync_ClientExceptionsMappedByKindOf_RetriedLikeStoreErrors()
    {
        var store = new ScriptedStore("create:AlreadyExists get:old replace:Conflict get:old replace:ok", asClientErrors: true);
        var apply = store.Apply(maxAttempts: 3, kindOf: e => e is ClientError client ? client.Kind : null);

        var result = await apply.ApplyAsync(Object(Desired), Merge, CancellationToken.None);

        Assert.Equal(ApplyOutcome.Replaced, result.Outcome);
        store.AssertDone("client errors");
    }

    [Fact]
    public async Task ApplyAsync_Retries_ReportedWithKindAndAttempt()
    {
        var store = new ScriptedStore("create:AlreadyExists get:old replace:Conflict get:old replace:ok");
        var retries = new List<(StoreErrorKind, int)>();
        var apply = store.Apply(maxAttempts: 5, (kind, attempt) => retries.Add((kind, attempt)));

        await apply.ApplyAsync(Object(Desired), Merge, CancellationToken.None);

        Assert.Equal([(StoreErrorKind.AlreadyExists, 1), (StoreErrorKind.Conflict, 2)], retries);
    }

    [Fact]
    public async Task ApplyAsync_Merge_GetsTheFreshLiveObjectAndKeepsItsVersion()
    {
        var store = new ScriptedStore("create:AlreadyExists get:old replace:Conflict get:old replace:ok");

        var result = await store.Apply(maxAttempts: 5).ApplyAsync(Object(Desired), Merge, CancellationToken.None);

        Assert.Equal(Desired, result.Object.Data["v"]);
        Assert.Equal(["1", "2"], store.ReplacedVersions);
    }

    // Writes desired's value over live, keeping live's metadata (its resourceVersion above all); null when equal.
    private static V1ConfigMap? Merge(V1ConfigMap live, V1ConfigMap desired)
    {
        if (live.Data["v"] == desired.Data["v"])
        {
            return null;
        }

        live.Data["v"] = desired.Data["v"];
        return live;
    }

    private static V1ConfigMap Object(string value, string? version = null) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = "default", Name = "a", ResourceVersion = version },
        Data = new Dictionary<string, string> { ["v"] = value },
    };

    // What an informer holds: nothing, a copy that differs ("old") or one as desired ("same").
    private static V1ConfigMap? Cached(string cached) => cached switch
    {
        "" => null,
        "old" => Object("old", "0"),
        "same" => Object(Desired, "0"),
        _ => throw new ArgumentException(cached),
    };

    private static async Task<string> OutcomeOf(Func<Task<ApplyResult<V1ConfigMap>>> call)
    {
        try
        {
            return (await call()).Outcome.ToString();
        }
        catch (StoreException e)
        {
            return "throws " + e.Kind;
        }
        catch (Exception e)
        {
            return "throws " + e.GetType().Name;
        }
    }

    /// <summary>A failure a client reports in its own exception type (the CLI's admin API client does).</summary>
    private sealed class ClientError(StoreErrorKind kind) : Exception(kind.ToString())
    {
        public StoreErrorKind Kind { get; } = kind;
    }

    private sealed class ScriptedStore
    {
        private readonly Queue<(string Call, string Answer)> _script;
        private readonly bool _asClientErrors;
        private int _version;

        public ScriptedStore(string script, bool asClientErrors = false)
        {
            _script = new Queue<(string, string)>(script
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(step => step.Split(':') is [var call, var answer] ? (call, answer) : throw new ArgumentException(step)));
            _asClientErrors = asClientErrors;
        }

        public List<string?> ReplacedVersions { get; } = [];

        public ResourceApply<V1ConfigMap> Apply(
            int maxAttempts, Action<StoreErrorKind, int>? retrying = null, Func<Exception, StoreErrorKind?>? kindOf = null) => new()
        {
            Get = (ns, name, _) => Task.FromResult(Answer("get") switch
            {
                "old" => Object("old", (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                "same" => Object(Desired, (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                "none" => null,
                var other => throw new ArgumentException(other),
            }),
            Create = (desired, _) => Write("create", desired),
            Replace = (update, _) =>
            {
                ReplacedVersions.Add(update.Metadata.ResourceVersion);
                return Write("replace", update);
            },
            KindOf = kindOf ?? (e => (e as StoreException)?.Kind),
            MaxAttempts = maxAttempts,
            Retrying = retrying,
        };

        public void AssertDone(string label) =>
            Assert.True(_script.Count == 0, $"{label}: calls not made: {string.Join(' ', _script.Select(s => s.Call + ":" + s.Answer))}");

        private Task<V1ConfigMap> Write(string call, V1ConfigMap body) => Answer(call) switch
        {
            "ok" => Task.FromResult(body),
            "crash" => throw new InvalidOperationException("the store broke"),
            var kind when Enum.TryParse<StoreErrorKind>(kind, out var parsed) =>
                throw (_asClientErrors ? new ClientError(parsed) : new StoreException(parsed, $"{call}: {kind}")),
            var other => throw new ArgumentException(other),
        };

        private string Answer(string call)
        {
            Assert.True(_script.Count > 0, $"unexpected {call}: the script has ended");
            var (expected, answer) = _script.Dequeue();
            Assert.True(expected == call, $"expected {expected}, got {call}");
            return answer;
        }
    }
}
