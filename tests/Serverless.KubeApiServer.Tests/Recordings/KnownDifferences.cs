namespace Serverless.KubeApiServer.Tests.Recordings;

/// <summary>
/// Every recorded step the double does not answer as the real server did, with the reason. A step not listed here
/// must match in every aspect; an aspect listed here must really differ (the replay fails on a stale entry).
/// </summary>
internal static class KnownDifferences
{
    private const string Etcd34 =
        "the recording's etcd 3.4 cannot answer watch progress requests (README): a real v1.32 cluster on etcd 3.5 sends the initial ADDED events, as the double does";

    private const string NameRuleFieldPath =
        "the recorded Functions CRD predates the name rule's fieldPath: .metadata.name (issue #20 item 1), so the real server reported that rule at <nil>; the double applies deploy/crds as they are now";

    private const string HpaClassMetrics =
        "the recorded Functions CRD predates the HPA class (issue #18 item 1): its metric enum was [concurrency, rps], so the real server refused the step's \"cpu\" as unsupported; deploy/crds now lists cpu and memory (valid with class hpa.autoscaling.knative.dev), and the rule pairing metric with class is one of those not checked on an object with schema errors";

    private static readonly KnownDifference[] Table =
    [
        new("table", "list-protobuf-only", StepAspect.ContentType,
            "the double speaks no protobuf: it answers the same 406 NotAcceptable as a JSON Status"),

        new("write", "create-invalid-name", StepAspect.Causes, NameRuleFieldPath),
        new("write", "create-name-fails-cel-only", StepAspect.Causes, NameRuleFieldPath),
        new("write", "create-invalid-schema", StepAspect.Causes | StepAspect.Body, HpaClassMetrics),
        new("write", "create-duplicate-field-strict", StepAspect.Status | StepAspect.Reason | StepAspect.Body,
            "recording artefact: the recorder kept the request body as parsed JSON, so the duplicate \"image\" key it sent is lost and the replayed body is valid (Http/FieldValidationTests covers duplicate fields)"),
        new("write", "create-wrong-apiversion", StepAspect.Warnings,
            "the real server's decoder warns about every field of a body whose apiVersion it cannot match (here \"spec\") before refusing it with the same 400; the double refuses without that quirk"),

        new("watch", "watch-sendInitialEvents", StepAspect.Events, Etcd34),
        new("watch", "watch-sendInitialEvents-no-bookmarks", StepAspect.Events, Etcd34),
        new("watch", "watch-rv-unset", StepAspect.Events, Etcd34),
        new("watch", "watch-single-fieldselector", StepAspect.Events, Etcd34),

        new("discovery", "openapi-v2-function", StepAspect.Body, NameRuleFieldPath + " (the rule's fieldPath appears in the schema)"),
        new("discovery", "openapi-v3-serverless", StepAspect.Body, NameRuleFieldPath + " (the rule's fieldPath appears in the schema)"),
        new("discovery", "aggregated-api", StepAspect.Body,
            "discovery lists what the double serves: pods have only log and status (not attach, binding, exec, eviction, …), namespaces no finalize"),
        new("discovery", "apis", StepAspect.Body,
            "the double does not serve apiextensions.k8s.io: its CRDs are compiled in from deploy/crds, not installed through the API"),
        new("discovery", "notfound-group", StepAspect.Status,
            "recording artefact: the file's header lines belong to another request (HTTP/2 200, content-length 2 for a 19-byte \"404 page not found\" body); the double answers 404 as for the other unknown paths"),
    ];

    public static IReadOnlyList<KnownDifference> All => Table;

    public static KnownDifference? For(string scenario, string step) =>
        Table.FirstOrDefault(d => d.Scenario == scenario && d.Step == step);
}
