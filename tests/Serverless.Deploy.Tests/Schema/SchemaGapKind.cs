namespace Serverless.Deploy.Tests.Schema;

internal enum SchemaGapKind
{
    /// <summary>The API server enforces it on every object by itself (ObjectMeta validation, routing by kind).</summary>
    ApiServer,

    /// <summary>Not expressible in a structural schema with CEL; only core (admin API, controller) refuses it.</summary>
    CoreOnly,
}
