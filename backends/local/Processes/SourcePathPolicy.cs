using Serverless.Backends.Local.Sandbox;

namespace Serverless.Backends.Local.Processes;

/// <summary>
/// Where a Function's <c>spec.source.path</c> may point on the local platform: below its own directory of the artifact
/// store (<c>{state}/artifacts/{namespace}/{name}/</c>, where <c>func deploy</c> installs sealed artifacts), or below a
/// directory the operator listed in config.json's <c>local.source-roots</c>. Never elsewhere in the state directory,
/// whatever the list says: the database, the admin token and other functions' code live there.
/// </summary>
/// <remarks>
/// An instance runs as the platform's user when the platform is not root, so a path such as the state directory or
/// <c>/etc</c> would hand the function whatever that user reads. The path is checked as written (<c>..</c> collapsed)
/// and again with every symlink resolved, at admission and at each instance start, so a link swapped in after
/// admission does not take an instance elsewhere.
/// </remarks>
public sealed class SourcePathPolicy
{
    private readonly Func<string, string?> _realPath;
    private readonly string _state;
    private readonly string _artifacts;
    private readonly IReadOnlyList<string> _roots;

    /// <param name="stateDirectory">The platform's home; its <c>artifacts</c> directory is the artifact store.</param>
    /// <param name="roots">Absolute directories from <c>local.source-roots</c>.</param>
    /// <param name="realPath">The canonical path or null when it does not exist (realpath(3) by default).</param>
    public SourcePathPolicy(string stateDirectory, IReadOnlyList<string> roots, Func<string, string?>? realPath = null)
    {
        _realPath = realPath ?? NativeFiles.RealPath;
        _state = Canonical(stateDirectory);
        _artifacts = Path.Combine(_state, "artifacts");
        _roots = [.. roots.Select(Canonical)];
    }

    /// <summary>Null when the Function may run code from <paramref name="path"/>; otherwise why not, naming the allowed places.</summary>
    public string? Check(string @namespace, string name, string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null; // required-ness is the validator's
        }

        if (!Path.IsPathFullyQualified(path))
        {
            return $"\"{path}\" must be an absolute path";
        }

        var written = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (Refusal(@namespace, name, written) is { } refused)
        {
            return refused;
        }

        return _realPath(written) is { } real && real != written && Refusal(@namespace, name, real) is { } followed
            ? $"\"{path}\" resolves to {followed}"
            : null;
    }

    private string? Refusal(string @namespace, string name, string path)
    {
        var own = Path.Combine(_artifacts, @namespace, name);
        if (IsBelow(path, own))
        {
            return null;
        }

        if (IsBelow(path, _state) || path == _state)
        {
            return $"\"{path}\" is in the platform's state directory, where a function may run only its own artifacts ({own}/…)";
        }

        if (_roots.Any(root => path == root || IsBelow(path, root)))
        {
            return null;
        }

        var roots = _roots.Count == 0
            ? "; to run code from a directory of your own, list it in config.json local.source-roots"
            : " or below local.source-roots (" + string.Join(", ", _roots) + ")";
        return $"\"{path}\" is outside the places the local platform runs code from: the artifact store ({own}/…, where func deploy installs it){roots}";
    }

    private static bool IsBelow(string path, string directory) =>
        path.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private string Canonical(string directory)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        return _realPath(full) ?? full;
    }
}
