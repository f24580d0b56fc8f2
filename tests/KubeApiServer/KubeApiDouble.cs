using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.KubeApiServer.Audit;
using Serverless.KubeApiServer.Faults;
using Serverless.KubeApiServer.Http;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.Hosting.KubeApi.Schema;
using Serverless.Hosting.KubeApi.Selectors;
using Serverless.KubeApiServer.Simulation;
using Serverless.KubeApiServer.Storage;

namespace Serverless.KubeApiServer;

/// <summary>
/// An in-process Kubernetes API server double on 127.0.0.1 (ephemeral port) for tests and benchmarks.
/// Start it with <see cref="StartAsync(KubeApiDoubleOptions?, CancellationToken)"/>, talk to it with
/// <see cref="CreateClient"/> or a kubeconfig from <see cref="WriteKubeconfig"/>; inspect <see cref="Audit"/>,
/// inject failures through <see cref="Faults"/>, take it down and up again with <see cref="StopAsync"/> and
/// <see cref="StartAgainAsync"/>.
/// </summary>
/// <remarks>
/// It answers as a real kube-apiserver v1.32 does where the platform's code depends on it (held against recorded
/// answers in tests/Serverless.KubeApiServer.Tests/Recordings): the CRDs of deploy/crds are compiled in and their
/// schemas validate, default and prune Functions, Brokers and Triggers, and their CEL rules are evaluated by a real
/// CEL engine (<see cref="KubeApiDoubleOptions.ValidationRules"/>); fieldValidation, managedFields and server-side
/// apply conflicts, dry runs, deletion with finalizers and propagation, paged and exact lists, 410 for compacted
/// history, discovery and OpenAPI.
/// </remarks>
public sealed class KubeApiDouble : IAsyncDisposable
{
    private readonly KubeApiDoubleOptions _options;
    private readonly ObjectStore _store;
    private readonly ApiHandler _handler;
    private WebApplication? _app;
    private ITimer? _bookmarks;
    private DeploymentSimulator? _simulator;

    // The port while the server is stopped: bound, not listening (see StopAsync).
    private Socket? _stoppedPort;

    private KubeApiDouble(KubeApiDoubleOptions options)
    {
        _options = options;
        _store = new ObjectStore(options.TimeProvider, options);
        foreach (var type in ResourceTypes.Defaults)
        {
            _store.Register(type);
        }

        _store.Bootstrap();
        _handler = new ApiHandler(_store, Audit, Faults, options, () => BaseAddress);
    }

    /// <summary>http://127.0.0.1:{port}/</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public AuditLog Audit { get; } = new();

    public FaultInjector Faults { get; } = new();

    /// <summary>Every HTTP request received, including injected failures and unknown paths.</summary>
    public long RequestCount => _handler.RequestCount;

    /// <summary>The current global resourceVersion.</summary>
    public long ResourceVersion => _store.ResourceVersion;

    public int OpenWatchCount => _store.WatchCount;

    /// <summary>Raised under the store's lock after each committed change; handlers must be quick and must not write.</summary>
    public event Action<StoredChange>? Changed
    {
        add => _store.Committed += value;
        remove => _store.Committed -= value;
    }

    /// <summary>Whether the double accepts connections (false between <see cref="StopAsync"/> and <see cref="StartAgainAsync"/>).</summary>
    public bool IsRunning => _app is not null;

    public static async Task<KubeApiDouble> StartAsync(KubeApiDoubleOptions? options = null, CancellationToken cancellationToken = default)
    {
        var server = new KubeApiDouble(options ?? new KubeApiDoubleOptions());
        await server.StartCoreAsync(port: 0, cancellationToken);
        return server;
    }

    /// <summary>
    /// Takes the server down as a crashed or restarting kube-apiserver goes: open watches and requests in flight are
    /// cut, and new connections are refused, until <see cref="StartAgainAsync"/>. The data stays.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        var app = _app;
        if (app is null)
        {
            return;
        }

        _app = null;
        _handler.AbortAll();
        await app.StopAsync(cancellationToken);
        await app.DisposeAsync();

        // Kept for StartAgainAsync (TestSupport's PortReservation explains how): the port is an ephemeral one, and
        // during a long outage an outgoing connection (its local port) or another listener on port 0 would take it,
        // and a client's connection attempt could even connect to itself. Connections are still refused, nothing
        // listening on it. Kestrel's listening socket may close a moment after DisposeAsync returns (a pending accept
        // holds it): until then the bind is refused, so it is tried again for up to a second.
        for (var attempt = 0; _stoppedPort is null; attempt++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, BaseAddress.Port));
                _stoppedPort = socket;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < 50)
            {
                socket.Dispose();
                await Task.Delay(20, cancellationToken);
            }
        }
    }

    /// <summary>Starts the stopped server again on the same port, with the same data (a restart).</summary>
    public Task StartAgainAsync(CancellationToken cancellationToken = default) =>
        _app is not null ? Task.CompletedTask : StartCoreAsync(BaseAddress.Port, cancellationToken);

    /// <summary>
    /// Compiles the CEL rules of every CRD of deploy/crds now rather than on the first write of each kind. A write is
    /// validated under the store's lock, so that first write (a round trip per rule to the Node.js engine, the engine's
    /// start included) stalls every request to the double, for seconds on a loaded machine: a test that times the
    /// platform's reaction (a Lease taken, a Function reconciled) calls this first. Programs are kept per schema by
    /// the engine, for the whole test process, so later calls and doubles cost nothing.
    /// </summary>
    public void CompileValidationRules()
    {
        foreach (var definition in CustomResourceDefinitions.All)
        {
            Compile(definition.Schema, isResourceRoot: true);
        }

        void Compile(StructuralSchema schema, bool isResourceRoot)
        {
            if (!schema.HasRules)
            {
                return;
            }

            foreach (var rule in schema.Rules)
            {
                _options.ValidationRules.IsTransitionRule(rule, schema.Raw, isResourceRoot);
            }

            foreach (var child in schema.Properties.Select(p => p.Value).Append(schema.Items).Append(schema.AdditionalProperties).OfType<StructuralSchema>())
            {
                Compile(child, child.EmbeddedResource);
            }
        }
    }

    /// <summary>
    /// Runs the garbage collector's pass now instead of after <see cref="KubeApiDoubleOptions.GarbageCollectionDelay"/>:
    /// finalizers of foreground and orphan deletions, and dependents none of whose owners exists (created after it went).
    /// </summary>
    public void CollectGarbage() => _store.CollectGarbage();

    /// <summary>Adds a kind or replaces the registration with the same group/version/plural.</summary>
    public void Register(ResourceType type) => _store.Register(type);

    /// <summary>A client whose requests the audit log attributes to <paramref name="identity"/> (sent as the bearer token).</summary>
    public IKubernetes CreateClient(string identity = "test") =>
        new Kubernetes(new KubernetesClientConfiguration { Host = BaseAddress.ToString(), AccessToken = identity });

    /// <summary>Writes a kubeconfig for <paramref name="identity"/> at <paramref name="path"/> and returns the path.</summary>
    public string WriteKubeconfig(string path, string identity = "test", string? @namespace = null)
    {
        File.WriteAllText(path, Kubeconfig.Render(BaseAddress, identity, @namespace));
        return path;
    }

    // ---- direct access for tests (bypasses HTTP: not audited, no failure injection) ----

    public JsonObject? GetObject(ResourceType type, string? @namespace, string name) => _store.TryGet(type, @namespace, name);

    public IReadOnlyList<JsonObject> ListObjects(ResourceType type, string? @namespace = null, string? labelSelector = null) =>
        _store.List(type, @namespace, LabelSelector.Parse(labelSelector), FieldSelector.Everything).Items;

    /// <summary>
    /// Creates an object with its status, e.g. to seed a test. It is defaulted and validated as a write through the
    /// API is (unknown fields are dropped; an invalid object throws), and its namespace is created when missing.
    /// </summary>
    public JsonObject CreateObject(ResourceType type, string? @namespace, JsonObject obj) => _store.Create(type, @namespace, obj, keepStatus: true);

    /// <summary>What <c>GET …/pods/{pod}/log</c> answers.</summary>
    public void SetPodLog(string @namespace, string pod, string text) => _handler.PodLogs[(@namespace, pod)] = text;

    // ---- watch control ----

    /// <summary>Forgets all history: any watch or exact list from an older resourceVersion now gets 410 Gone.</summary>
    public void CompactHistory() => _store.Compact();

    /// <summary>Sends a 410 ERROR event to every open watch and ends it; returns how many were open.</summary>
    public int ExpireWatches() => _store.EndWatches(expired: true);

    /// <summary>Ends every open watch cleanly (as a server-side watch timeout does).</summary>
    public int CloseWatches() => _store.EndWatches(expired: false);

    /// <summary>Sends a BOOKMARK with the current resourceVersion to every watch that asked for bookmarks.</summary>
    public void SendBookmarks() => _store.SendBookmarks();

    /// <summary>
    /// Starts the Deployment → Pods/EndpointSlice/status simulator (the kubelet and ReplicaSet controller's part).
    /// One per server; writes bypass HTTP, so they do not count as API calls.
    /// </summary>
    public DeploymentSimulator StartDeploymentSimulator(DeploymentSimulatorOptions? options = null)
    {
        if (_simulator is not null)
        {
            throw new InvalidOperationException("the deployment simulator is already running");
        }

        _simulator = new DeploymentSimulator(_store, options ?? new DeploymentSimulatorOptions(), _options.TimeProvider);
        _simulator.Start();
        return _simulator;
    }

    /// <summary>
    /// Stops the simulator, as a kube-controller-manager that is down: Deployments keep the status they last had and no
    /// new pod turns ready until <see cref="StartDeploymentSimulator"/> starts one again.
    /// </summary>
    public async Task StopDeploymentSimulatorAsync()
    {
        if (_simulator is { } simulator)
        {
            _simulator = null;
            await simulator.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _bookmarks?.Dispose();
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }

        _store.EndWatches(expired: false);
        _stoppedPort?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }

        _store.Dispose();
    }

    private async Task StartCoreAsync(int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.Run(_handler.HandleAsync);
        await app.StartAsync(cancellationToken);
        _stoppedPort?.Dispose();
        _stoppedPort = null;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
        _app = app;
        if (_bookmarks is null && _options.BookmarkInterval is { } interval)
        {
            _bookmarks = _options.TimeProvider.CreateTimer(_ => _store.SendBookmarks(), null, interval, interval);
        }
    }
}
