using System.Globalization;
using Serverless.Core.Naming;

namespace Serverless.Core.Validation;

/// <summary>A field path as Kubernetes prints it: <c>spec.env[2].name</c>, <c>metadata.labels[app]</c>.</summary>
internal readonly record struct FieldPath(string Value)
{
    public FieldPath Child(string name) => new(Value.Length == 0 ? name : Value + "." + name);

    public FieldPath Index(int index) => new(Value + "[" + index.ToString(CultureInfo.InvariantCulture) + "]");

    /// <summary>A map entry; the key is escaped because it is user input and ends up in logs.</summary>
    public FieldPath Key(string key) => new(Value + "[" + Names.Printable(key) + "]");

    public override string ToString() => Value;
}
