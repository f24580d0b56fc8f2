using System.Text.RegularExpressions;
using Serverless.Core.Api;

namespace Serverless.Core.Validation;

/// <summary>
/// <c>spec.handler</c>: the runtime hands it to a loader (reflection, <c>import()</c>, <c>importlib</c>) and it passes
/// through the environment of a process, so each runtime gets a strict grammar with no whitespace, control or shell
/// characters, and node paths cannot leave the function's directory.
/// </summary>
internal static partial class HandlerValidator
{
    public const int MaxLength = 512;

    /// <summary>Characters a shell gives meaning to; none is needed by any handler grammar.</summary>
    private const string ShellMetacharacters = ";&|`$<>(){}[]!*?~#'\"\\%^=,";

    public static void Validate(string? runtime, string? handler, FieldPath path, ErrorList errors)
    {
        if (handler is null)
        {
            return;
        }

        if (!IsSafeText(handler, path, errors))
        {
            return;
        }

        var error = runtime switch
        {
            RuntimeNames.Dotnet => DotnetError(handler),
            RuntimeNames.Node => NodeError(handler),
            RuntimeNames.Python => PythonError(handler),
            _ => null, // unknown or no runtime (image-only): reported on spec.runtime, only the generic checks apply
        };

        if (error is not null)
        {
            errors.Add(path, $"{error} (got {ErrorList.Quote(handler)})");
        }
    }

    private static bool IsSafeText(string handler, FieldPath path, ErrorList errors)
    {
        string? problem = null;
        if (handler.Length == 0)
        {
            problem = "must not be empty";
        }
        else if (handler.Length > MaxLength)
        {
            problem = $"must be no more than {MaxLength} characters (got {handler.Length})";
        }
        else if (handler.Any(char.IsControl))
        {
            problem = $"must not contain control characters (got {ErrorList.Quote(handler)})";
        }
        else if (handler.Any(char.IsWhiteSpace))
        {
            problem = $"must not contain whitespace (got {ErrorList.Quote(handler)})";
        }
        else if (handler.IndexOfAny(ShellMetacharacters.ToCharArray()) >= 0)
        {
            problem = $"must not contain shell metacharacters (got {ErrorList.Quote(handler)})";
        }

        if (problem is not null)
        {
            errors.Add(path, problem);
        }

        return problem is null;
    }

    private static string? DotnetError(string handler)
    {
        const string Form = "must be Assembly::Namespace.Type::Method for runtime \"dotnet\"";
        var parts = handler.Split("::");
        if (parts.Length != 3)
        {
            return Form;
        }

        var (assembly, type, method) = (parts[0], parts[1], parts[2]);
        if (!DotnetAssembly().IsMatch(assembly) || assembly.Contains("..", StringComparison.Ordinal))
        {
            // A leading '-' or '.' and '..' are refused because the assembly name becomes a file name.
            return Form + ": the assembly name must be letters, digits, '_', '-' and '.', start with a letter, digit or '_', and contain no '..'";
        }

        if (!DotnetType().IsMatch(type))
        {
            return Form + ": the type must be dotted identifiers, with '+' before nested types";
        }

        return Identifier().IsMatch(method) ? null : Form + ": the method must be an identifier";
    }

    private static string? NodeError(string handler)
    {
        const string Form = "must be relative/path.js:exportName for runtime \"node\"";
        var parts = handler.Split(':');
        if (parts.Length != 2)
        {
            return Form;
        }

        var (file, export) = (parts[0], parts[1]);
        if (file.StartsWith('/'))
        {
            return Form + ": the path must be relative to the function's directory";
        }

        if (!NodePath().IsMatch(file))
        {
            return Form + ": the path must be letters, digits, '_', '-', '.' and '/'";
        }

        if (file.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            return Form + ": the path must not have empty, '.' or '..' segments";
        }

        if (!file.EndsWith(".js", StringComparison.Ordinal)
            && !file.EndsWith(".mjs", StringComparison.Ordinal)
            && !file.EndsWith(".cjs", StringComparison.Ordinal))
        {
            return Form + ": the file must end in .js, .mjs or .cjs";
        }

        // JavaScript also allows '$' in identifiers; it is refused because it is a shell metacharacter.
        return Identifier().IsMatch(export) ? null : Form + ": the export must be an identifier";
    }

    private static string? PythonError(string handler)
    {
        const string Form = "must be package.module:function for runtime \"python\"";
        var parts = handler.Split(':');
        if (parts.Length != 2)
        {
            return Form;
        }

        if (!DottedIdentifiers().IsMatch(parts[0]))
        {
            return Form + ": the module must be dotted identifiers";
        }

        return Identifier().IsMatch(parts[1]) ? null : Form + ": the function must be an identifier";
    }

    // \z rather than $ throughout: '$' would also match before a trailing newline.
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]*(?<!\.)\z", RegexOptions.CultureInvariant)]
    private static partial Regex DotnetAssembly();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(\+[A-Za-z_][A-Za-z0-9_]*)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex DotnetType();

    [GeneratedRegex(@"^[A-Za-z0-9_./-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex NodePath();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex DottedIdentifiers();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
