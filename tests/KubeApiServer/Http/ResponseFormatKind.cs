namespace Serverless.KubeApiServer.Http;

internal enum ResponseFormatKind
{
    Json,
    Yaml,
    Table,
    PartialObjectMetadata,
}
