namespace Serverless.Controller;

/// <summary>
/// The event ids of every log message of this assembly, one table so that none is used twice.
/// Ranges: 200–249 the Function reconciler and controller (250–299 were the eventing status controller's, now the broker role's own).
/// </summary>
internal static class ControllerEventIds
{
    public const int FunctionRemoved = 200;
    public const int FunctionInvalid = 201;
    public const int FunctionFailed = 202;
    public const int FunctionNotOwned = 203;
    public const int RevisionCollected = 204;
    public const int FunctionKeyDrained = 205;
    public const int ReconcileFailed = 210;
}
