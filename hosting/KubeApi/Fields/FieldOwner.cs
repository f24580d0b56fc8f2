namespace Serverless.Hosting.KubeApi.Fields;

/// <summary>Who writes, and how: one <c>metadata.managedFields</c> entry is kept per (manager, operation, subresource).</summary>
/// <param name="Operation"><c>Update</c> (create, update, patch) or <c>Apply</c> (server-side apply).</param>
/// <param name="Subresource">Empty for the object itself, else <c>status</c> or <c>scale</c>.</param>
/// <param name="Force">For Apply: take fields other managers own instead of answering 409.</param>
internal sealed record FieldOwner(string Manager, string Operation, string Subresource = "", bool Force = false)
{
    public const string UpdateOperation = "Update";
    public const string ApplyOperation = "Apply";

    public bool IsApply => Operation == ApplyOperation;

    public bool StatusHalf => Subresource == "status";
}
