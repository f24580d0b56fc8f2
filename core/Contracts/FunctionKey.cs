namespace Serverless.Core.Contracts;

/// <summary>Identifies a function (or any namespaced resource) by namespace and name.</summary>
public readonly record struct FunctionKey(string Namespace, string Name)
{
    public override string ToString() => Namespace + "/" + Name;
}
