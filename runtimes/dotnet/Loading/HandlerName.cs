using System.Diagnostics.CodeAnalysis;
using Serverless.Runtime.Dotnet.Configuration;

namespace Serverless.Runtime.Dotnet.Loading;

/// <summary>
/// A handler reference in the AWS Lambda .NET convention, <c>Assembly::Namespace.Type::Method</c>.
/// The assembly name becomes a file name (<c>{FUNCTION_PATH}/{Assembly}.dll</c>), so parsing is strict:
/// only identifier characters, no path separators, no whitespace.
/// </summary>
internal sealed record HandlerName(string AssemblyName, string TypeName, string MethodName)
{
    public const string Format = "Assembly::Namespace.Type::Method";

    /// <summary>Longer than any sensible handler; keeps hostile values out of error messages and lookups.</summary>
    private const int MaxLength = 1024;

    private const string Separator = "::";

    public static bool TryParse(string? value, [NotNullWhen(true)] out HandlerName? name, [NotNullWhen(false)] out string? error)
    {
        name = null;
        if (string.IsNullOrEmpty(value))
        {
            error = $"empty handler, expected {Format}";
            return false;
        }

        if (value.Length > MaxLength)
        {
            error = $"handler is {value.Length} characters long, the limit is {MaxLength}";
            return false;
        }

        var parts = value.Split(Separator);
        if (parts.Length != 3)
        {
            error = $"expected {Format} (three parts separated by \"::\"), got {parts.Length} part(s)";
            return false;
        }

        error = CheckAssembly(parts[0]) ?? CheckType(parts[1]) ?? CheckMethod(parts[2]);
        if (error is not null)
        {
            return false;
        }

        name = new HandlerName(parts[0], parts[1], parts[2]);
        return true;
    }

    public override string ToString() => AssemblyName + Separator + TypeName + Separator + MethodName;

    private static string? CheckAssembly(string assembly)
    {
        if (assembly.Length == 0)
        {
            return $"the assembly part is empty, expected {Format}";
        }

        foreach (var c in assembly)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return $"assembly {DisplayText.Quote(assembly)} may only contain letters, digits, '.', '_' and '-'";
            }
        }

        if (assembly[0] == '.' || assembly[^1] == '.' || assembly.Contains("..", StringComparison.Ordinal))
        {
            return $"assembly {DisplayText.Quote(assembly)} must not start or end with '.' or contain \"..\"";
        }

        if (assembly.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            return $"assembly {DisplayText.Quote(assembly)} is written without the .dll extension";
        }

        return null;
    }

    private static string? CheckType(string type)
    {
        if (type.Length == 0)
        {
            return $"the type part is empty, expected {Format}";
        }

        // Namespace segments are separated by '.', nested types by '+' (the reflection spelling).
        var segments = type.Split('.', '+');
        foreach (var segment in segments)
        {
            if (!IsIdentifier(segment))
            {
                return $"type {DisplayText.Quote(type)} is not a namespace-qualified type name (identifiers separated by '.', nested types by '+')";
            }
        }

        return null;
    }

    private static string? CheckMethod(string method)
    {
        if (method.Length == 0)
        {
            return $"the method part is empty, expected {Format}";
        }

        return IsIdentifier(method) ? null : $"method {DisplayText.Quote(method)} is not a method name";
    }

    private static bool IsIdentifier(string value)
    {
        if (value.Length == 0 || !(char.IsLetter(value[0]) || value[0] == '_'))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
