namespace Serverless.KubeApiServer.Storage;

public enum ChangeType
{
    Added,
    Modified,
    Deleted,
}
