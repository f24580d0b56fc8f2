using System.Text.Json;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Serverless.Core.Api;
using Serverless.Core.Serialization;

namespace Serverless.Cli.Tests.Fakes;

/// <summary>
/// The platform's admin API and ingress as the CLI's contract describes them, on 127.0.0.1:0,
/// backed by a dictionary. It records every request and plays the controller: after
/// <see cref="GetsUntilStatus"/> reads of a function it writes that generation's status.
/// </summary>
internal sealed class FakeAdminApi : IAsyncDisposable
{
    private const string Base = "/apis/serverless.dev/v1alpha1";
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Ns, string Name), Function> _functions = [];
    private readonly Dictionary<(string Ns, string Name), int> _reads = [];
    private readonly List<RecordedRequest> _requests = [];
    private long _resourceVersion = 100;

    private FakeAdminApi(WebApplication app)
    {
        _app = app;
    }

    public Uri Url { get; private set; } = null!;

    /// <summary>GETs of a function after a write before its status catches up with the generation.</summary>
    public int GetsUntilStatus { get; set; } = 2;

    /// <summary>When set, the status written is Ready=False with this reason and message.</summary>
    public (string Reason, string Message)? FailWith { get; set; }

    /// <summary>Conditions the fake controller adds after Ready, WorkloadReady and RouteReady (e.g. ResourcesEnforced).</summary>
    public List<V1Condition> ExtraConditions { get; } = [];

    /// <summary>Returns a Status to reject a create or replace with (422).</summary>
    public Func<Function, V1Status?>? Validate { get; set; }

    /// <summary>PUTs answered 409 Conflict before one is accepted, as if another writer kept winning the race.</summary>
    public int ConflictingPuts { get; set; }

    /// <summary>When set, every admin API request is answered with this status and a plain-text body, as a broken proxy would.</summary>
    public int? FailAdminWith { get; set; }

    /// <summary>The body of <c>GET /stats/functions</c>.</summary>
    public string StatsJson { get; set; } = "{\"functions\":[]}";

    /// <summary>Answers requests under /{ns}/{name}/…; 404 when unset.</summary>
    public Func<HttpContext, Task>? Ingress { get; set; }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<FakeAdminApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeAdminApi(app);
        fake.Map();
        await app.StartAsync();
        fake.Url = new Uri(app.Urls.Single());
        return fake;
    }

    public void Seed(Function function)
    {
        lock (_gate)
        {
            function.Metadata.ResourceVersion = (++_resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);
            function.Metadata.Generation ??= 1;
            _functions[(function.Metadata.NamespaceProperty, function.Metadata.Name)] = function;
        }
    }

    /// <summary>Revisions the fake lists, whatever their Function; it filters by the label selector as the admin API does.</summary>
    public List<Revision> Revisions { get; } = [];

    public Function? Stored(string ns, string name)
    {
        lock (_gate)
        {
            return _functions.TryGetValue((ns, name), out var f) ? ResourceJson.Clone(f) : null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map()
    {
        _app.Use(async (context, next) =>
        {
            context.Request.EnableBuffering();
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            context.Request.Body.Position = 0;
            lock (_gate)
            {
                _requests.Add(new RecordedRequest(
                    context.Request.Method,
                    context.Request.Path + context.Request.QueryString,
                    body,
                    context.Request.Headers.Authorization.FirstOrDefault(),
                    context.Request.ContentType));
            }

            if (FailAdminWith is { } code && context.Request.Path.StartsWithSegments("/apis", StringComparison.Ordinal))
            {
                context.Response.StatusCode = code;
                await context.Response.WriteAsync("upstream exploded");
                return;
            }

            await next(context);
        });

        _app.MapGet("/readyz", () => Results.Text("ok"));
        _app.MapGet("/stats/functions", () => Results.Text(StatsJson, "application/json"));
        _app.MapGet(Base + "/functions", () => Json(200, List(null)));
        _app.MapGet(Base + "/namespaces/{ns}/functions", (string ns) => Json(200, List(ns)));
        _app.MapPost(Base + "/namespaces/{ns}/functions", CreateAsync);
        _app.MapGet(Base + "/namespaces/{ns}/functions/{name}", Get);
        _app.MapPut(Base + "/namespaces/{ns}/functions/{name}", ReplaceAsync);
        _app.MapDelete(Base + "/namespaces/{ns}/functions/{name}", Delete);
        _app.MapGet(Base + "/namespaces/{ns}/revisions", (string ns, string? labelSelector) =>
        {
            var (key, value) = labelSelector?.Split('=') is [var k, var v] ? (k, v) : ("", "");
            var items = Revisions.Where(r => r.Metadata.NamespaceProperty == ns && (key.Length == 0 || (r.Metadata.Labels is { } labels && labels.TryGetValue(key, out var found) && found == value))).ToArray();
            return Json(200, new { apiVersion = ApiGroup.ApiVersion, kind = "RevisionList", metadata = new { resourceVersion = "1" }, items });
        });
        _app.Map("/{ns}/{name}/{**rest}", async context =>
        {
            if (Ingress is null)
            {
                context.Response.StatusCode = 404;
                return;
            }

            await Ingress(context);
        });
    }

    private object List(string? ns)
    {
        lock (_gate)
        {
            return new
            {
                apiVersion = ApiGroup.ApiVersion,
                kind = "FunctionList",
                metadata = new { resourceVersion = _resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                items = _functions.Values.Where(f => ns is null || f.Metadata.NamespaceProperty == ns).OrderBy(f => f.Metadata.Name).ToArray(),
            };
        }
    }

    private async Task<IResult> CreateAsync(string ns, HttpRequest request)
    {
        if (await ReadFunctionAsync(request) is not { } function)
        {
            return Json(400, Status(400, "BadRequest", "malformed JSON", null));
        }

        if (Validate?.Invoke(function) is { } invalid)
        {
            return Json(422, invalid);
        }

        lock (_gate)
        {
            var key = (ns, function.Metadata.Name);
            if (_functions.ContainsKey(key))
            {
                return Json(409, Status(409, "AlreadyExists", $"functions.serverless.dev \"{function.Metadata.Name}\" already exists", function.Metadata.Name));
            }

            function.Metadata.NamespaceProperty = ns;
            function.Metadata.Uid = Guid.NewGuid().ToString();
            function.Metadata.CreationTimestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            function.Metadata.Generation = 1;
            function.Metadata.ResourceVersion = (++_resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);
            function.Status = null;
            _functions[key] = function;
            _reads[key] = 0;
            return Json(201, function);
        }
    }

    private IResult Get(string ns, string name)
    {
        lock (_gate)
        {
            if (!_functions.TryGetValue((ns, name), out var function))
            {
                return NotFound(name);
            }

            _reads[(ns, name)] = _reads.GetValueOrDefault((ns, name)) + 1;
            if (_reads[(ns, name)] >= GetsUntilStatus && function.Status?.ObservedGeneration != function.Metadata.Generation)
            {
                function.Status = StatusFor(function);
                function.Metadata.ResourceVersion = (++_resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return Json(200, function);
        }
    }

    private async Task<IResult> ReplaceAsync(string ns, string name, HttpRequest request)
    {
        if (await ReadFunctionAsync(request) is not { } function)
        {
            return Json(400, Status(400, "BadRequest", "malformed JSON", null));
        }

        if (Validate?.Invoke(function) is { } invalid)
        {
            return Json(422, invalid);
        }

        lock (_gate)
        {
            if (!_functions.TryGetValue((ns, name), out var stored))
            {
                return NotFound(name);
            }

            if (ConflictingPuts > 0)
            {
                ConflictingPuts--;
                stored.Metadata.ResourceVersion = (++_resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (function.Metadata.ResourceVersion is { } version && version != stored.Metadata.ResourceVersion)
            {
                return Json(409, Status(409, "Conflict", "the object has been modified; please apply your changes to the latest version and try again", name));
            }

            var specChanged = ResourceJson.Serialize(function.Spec) != ResourceJson.Serialize(stored.Spec);
            stored.Spec = function.Spec;
            stored.Metadata.Labels = function.Metadata.Labels;
            stored.Metadata.Annotations = function.Metadata.Annotations;
            if (specChanged)
            {
                stored.Metadata.Generation++;
                _reads[(ns, name)] = 0;
            }

            stored.Metadata.ResourceVersion = (++_resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Json(200, stored);
        }
    }

    private IResult Delete(string ns, string name)
    {
        lock (_gate)
        {
            return _functions.Remove((ns, name))
                ? Json(200, new V1Status { Kind = "Status", ApiVersion = "v1", Status = "Success", Code = 200 })
                : NotFound(name);
        }
    }

    private FunctionStatus StatusFor(Function function)
    {
        var (status, reason, message) = FailWith is { } failure
            ? (ConditionStatus.False, failure.Reason, failure.Message)
            : (ConditionStatus.True, "Ready", "the function is serving");
        return new FunctionStatus
        {
            ObservedGeneration = function.Metadata.Generation,
            Conditions =
            [
                new V1Condition { Type = ConditionTypes.Ready, Status = status, Reason = reason, Message = message, LastTransitionTime = new DateTime(2026, 1, 1, 0, 0, 1, DateTimeKind.Utc) },
                new V1Condition { Type = ConditionTypes.WorkloadReady, Status = status, Reason = reason, Message = message, LastTransitionTime = new DateTime(2026, 1, 1, 0, 0, 1, DateTimeKind.Utc) },
                new V1Condition { Type = ConditionTypes.RouteReady, Status = ConditionStatus.True, Reason = "RouteConfigured", Message = "routed", LastTransitionTime = new DateTime(2026, 1, 1, 0, 0, 1, DateTimeKind.Utc) },
                .. ExtraConditions,
            ],
            Url = $"http://127.0.0.1:8080/{function.Metadata.NamespaceProperty}/{function.Metadata.Name}/",
            Replicas = 1,
            ReadyReplicas = FailWith is null ? 1 : 0,
        };
    }

    private static async Task<Function?> ReadFunctionAsync(HttpRequest request)
    {
        var text = await new StreamReader(request.Body).ReadToEndAsync();
        try
        {
            return ResourceJson.Deserialize<Function>(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult NotFound(string name) =>
        Json(404, Status(404, "NotFound", $"functions.serverless.dev \"{name}\" not found", name));

    public static V1Status Status(int code, string reason, string message, string? name, params (string Field, string Message)[] causes) => new()
    {
        Kind = "Status",
        ApiVersion = "v1",
        Status = "Failure",
        Code = code,
        Reason = reason,
        Message = message,
        Details = new V1StatusDetails
        {
            Name = name,
            Kind = Function.Plural,
            Causes = causes.Length == 0 ? null : causes.Select(c => new V1StatusCause { Field = c.Field, Message = c.Message, Reason = "FieldValueInvalid" }).ToList(),
        },
    };

    /// <remarks>
    /// KubernetesClient's V1Status converter cannot write (it throws NotImplementedException), so a
    /// Status goes out through plain System.Text.Json, whose output matches Kubernetes' for this type.
    /// </remarks>
    private static IResult Json(int code, object value) => Results.Content(
        value is V1Status status ? JsonSerializer.Serialize(status, StatusJsonOptions) : ResourceJson.Serialize(value),
        "application/json",
        statusCode: code);

    private static readonly JsonSerializerOptions StatusJsonOptions = new()
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
