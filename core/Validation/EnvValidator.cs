using System.Text;
using Serverless.Core.Api;
using Serverless.Core.Naming;

namespace Serverless.Core.Validation;

/// <summary><c>spec.env</c>: what the user may put into a function process's environment.</summary>
internal static class EnvValidator
{
    public const int MaxEntries = 100;

    public const int MaxValueBytes = 32 * 1024;

    public static void Validate(IList<EnvVar>? env, FieldPath path, ErrorList errors)
    {
        if (env is null)
        {
            return;
        }

        if (env.Count > MaxEntries)
        {
            errors.Add(path, $"must have at most {MaxEntries} entries (got {env.Count})");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < env.Count; i++)
        {
            var entryPath = path.Index(i);
            if (env[i] is not { } entry)
            {
                errors.Required(entryPath);
                continue;
            }

            ValidateName(entry.Name, seen, entryPath.Child("name"), errors);
            ValidateValue(entry.Value, entryPath.Child("value"), errors);
        }
    }

    private static void ValidateName(string? name, HashSet<string> seen, FieldPath path, ErrorList errors)
    {
        if (string.IsNullOrEmpty(name))
        {
            errors.Required(path);
        }
        else if (!Names.IsCIdentifier(name))
        {
            errors.Add(path, $"must be a C identifier: letters, digits and '_', not starting with a digit (got {ErrorList.Quote(name)})");
        }
        else if (ReservedEnvironment.IsReserved(name))
        {
            errors.Add(path, $"{ErrorList.Quote(name)} is reserved by the platform");
        }
        else if (!seen.Add(name))
        {
            errors.Add(path, $"duplicate name {ErrorList.Quote(name)}");
        }
    }

    private static void ValidateValue(string? value, FieldPath path, ErrorList errors)
    {
        if (value is null)
        {
            return;
        }

        // Other control characters (a newline in a PEM certificate) are legitimate; NUL cannot cross execve.
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            errors.Add(path, "must not contain NUL");
        }

        var bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes > MaxValueBytes)
        {
            errors.Add(path, $"must be no more than {MaxValueBytes} bytes (got {bytes})");
        }
    }
}
