using Serverless.Hosting.KubeApi.Resources;

namespace Serverless.Hosting.KubeApi.Schema;

/// <summary>What the double serves for a CRD's one served version: the kind, its names, printer columns and schema.</summary>
internal sealed record CustomResourceDefinition(
    ResourceType Type,
    string Singular,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Categories,
    IReadOnlyList<PrinterColumn> PrinterColumns,
    StructuralSchema Schema);
