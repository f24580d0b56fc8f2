namespace Serverless.Hosting.KubeApi.Formats;

internal enum ResponseFormatKind
{
    Json,
    Yaml,
    Table,
    PartialObjectMetadata,
}
