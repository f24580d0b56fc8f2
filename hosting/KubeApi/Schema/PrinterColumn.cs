namespace Serverless.Hosting.KubeApi.Schema;

/// <summary>One of a CRD version's <c>additionalPrinterColumns</c>: a Table column read through a JSONPath.</summary>
internal sealed record PrinterColumn(string Name, string Type, string Format, string Description, int Priority, string JsonPath);
