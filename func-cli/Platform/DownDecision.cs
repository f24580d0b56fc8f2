namespace Serverless.Cli.Platform;

/// <summary>
/// What <c>func down</c> does with what it found. Pure. The care is for a reused pid: after a
/// SIGKILL the file stays behind and its pid may now belong to an unrelated program, which must
/// not receive our SIGTERM. A pid whose admin API answers is the platform; one that does not answer
/// is signalled only when its command line shows it is a platform host.
/// </summary>
internal static class DownDecision
{
    public static DownAction Decide(PlatformLiveness liveness, bool commandLineLooksLikePlatform) => liveness switch
    {
        PlatformLiveness.NotRunning => DownAction.NothingToStop,
        PlatformLiveness.Stale => DownAction.RemoveStaleState,
        PlatformLiveness.Running => DownAction.Terminate,
        PlatformLiveness.Unresponsive => commandLineLooksLikePlatform ? DownAction.Terminate : DownAction.RemoveStaleState,
        _ => throw new ArgumentOutOfRangeException(nameof(liveness), liveness, null),
    };

    /// <summary>
    /// True when argv is a platform host for this home: it runs Serverless.Platform.dll, or it was
    /// given <c>--home</c> with this home. Null argv (not readable on this OS) counts as a match, since
    /// refusing would leave <c>func down</c> unable to stop a hung platform anywhere but Linux.
    /// </summary>
    public static bool LooksLikePlatform(IReadOnlyList<string>? argv, string home)
    {
        if (argv is null)
        {
            return true;
        }

        for (var i = 0; i < argv.Count; i++)
        {
            if (argv[i].EndsWith(PlatformLauncher.PlatformDllName, StringComparison.Ordinal))
            {
                return true;
            }

            if (argv[i] == "--home" && i + 1 < argv.Count && SamePath(argv[i + 1], home))
            {
                return true;
            }
        }

        return false;
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(a), Path.TrimEndingDirectorySeparator(b), StringComparison.Ordinal);
}
