namespace Serverless.Backends.Local.Sandbox;

/// <summary>Fixed paths inside every sandbox.</summary>
internal static class SandboxPaths
{
    /// <summary>The instance's <c>HOME</c>: a private writable tmpfs, gone with the instance.</summary>
    public const string Home = "/home/function";

    public const string Tmp = "/tmp";

    /// <summary>A sandboxed pool instance's function directory (its staging directory, filled at specialization).</summary>
    public const string PooledFunction = "/function";

    public const string SharedMemory = "/dev/shm";

    /// <summary>True when <paramref name="ancestor"/> is <paramref name="path"/> or one of its parent directories.</summary>
    public static bool Contains(string ancestor, string path) =>
        ancestor == "/"
        || path == ancestor
        || (path.StartsWith(ancestor, StringComparison.Ordinal) && path.Length > ancestor.Length && path[ancestor.Length] == '/');

    /// <summary>Orders paths so that a parent always comes before what it contains (bubblewrap mounts in order).</summary>
    public static int CompareByComponents(string a, string b)
    {
        var left = a.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var right = b.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < Math.Min(left.Length, right.Length); i++)
        {
            var order = string.CompareOrdinal(left[i], right[i]);
            if (order != 0)
            {
                return order;
            }
        }

        return left.Length.CompareTo(right.Length);
    }
}
