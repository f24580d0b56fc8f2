namespace Serverless.Controller.Reconcilers;

/// <summary>How a reconciliation ended; also the <c>result</c> label of the reconcile metric.</summary>
internal enum ReconcileResult
{
    Success,
    Conflict,
    Error,
}
