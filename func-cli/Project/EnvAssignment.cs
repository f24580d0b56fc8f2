using Serverless.Core.Naming;
using Serverless.Core.Validation;

namespace Serverless.Cli.Project;

/// <summary><c>KEY=VALUE</c> as given to <c>--env</c> and <c>func config env set</c>. Pure.</summary>
internal sealed record EnvAssignment(string Name, string Value)
{
    /// <summary>Parses one assignment; null and an error naming the problem when it is not one.</summary>
    public static EnvAssignment? TryParse(string text, out string? error)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            error = $"\"{Names.Printable(text)}\" is not KEY=VALUE";
            return null;
        }

        var name = text[..equals];
        error = ValidateName(name);
        return error is null ? new EnvAssignment(name, text[(equals + 1)..]) : null;
    }

    /// <summary>Null when <paramref name="name"/> can be a function's variable, else why not.</summary>
    public static string? ValidateName(string name)
    {
        if (!Names.IsCIdentifier(name))
        {
            return $"\"{Names.Printable(name)}\" is not a variable name: letters, digits and '_', not starting with a digit";
        }

        return ReservedEnvironment.IsReserved(name) ? $"\"{name}\" is reserved by the platform" : null;
    }
}
