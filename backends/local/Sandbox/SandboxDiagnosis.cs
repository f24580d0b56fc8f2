namespace Serverless.Backends.Local.Sandbox;

/// <summary>
/// Decides from <see cref="SandboxFacts"/> whether the sandbox works here and, when not, says what to install or
/// enable. Pure; the facts come from <see cref="SandboxCheck"/>.
/// </summary>
internal static class SandboxDiagnosis
{
    public const string TurnOff =
        "or run functions unsandboxed, with the platform's user and file access, on purpose: `func up --no-sandbox`, or {\"local\": {\"sandbox\": false}} in config.json";

    /// <summary>Null when the sandbox works; otherwise one message naming the cause and the fix.</summary>
    public static string? Explain(SandboxFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.Bwrap is null)
        {
            return "the function sandbox needs bubblewrap (bwrap), which is not installed: install it "
                + "(Debian/Ubuntu: `apt-get install bubblewrap`; Fedora: `dnf install bubblewrap`), " + TurnOff;
        }

        if (facts.IsRoot && facts.Setpriv is null)
        {
            return "the function sandbox needs setpriv (util-linux) to run instances as an unprivileged user when the platform is root: "
                + "install util-linux (Debian/Ubuntu: `apt-get install util-linux`), " + TurnOff;
        }

        if (facts.TrialExitCode is null or 0)
        {
            return null;
        }

        var cause = UserNamespaceCause(facts);
        var detail = facts.TrialError.Trim() is { Length: > 0 } error ? $" ({error})" : "";
        return cause is not null
            ? $"the function sandbox cannot start: {cause}{detail}, " + TurnOff
            : $"the function sandbox cannot start: a trivial sandboxed command failed with exit code {facts.TrialExitCode}{detail}, " + TurnOff;
    }

    /// <summary>Without root, bubblewrap needs unprivileged user namespaces; each distribution has its own switch.</summary>
    private static string? UserNamespaceCause(SandboxFacts facts)
    {
        if (facts.IsRoot)
        {
            return null;
        }

        if (facts.UnprivilegedUsernsClone?.Trim() == "0")
        {
            return "unprivileged user namespaces are disabled: enable them with `sysctl -w kernel.unprivileged_userns_clone=1`";
        }

        if (facts.MaxUserNamespaces?.Trim() == "0")
        {
            return "user namespaces are disabled: enable them with `sysctl -w user.max_user_namespaces=15000`";
        }

        if (facts.AppArmorRestrictsUserns?.Trim() == "1")
        {
            return "AppArmor restricts unprivileged user namespaces: allow them with `sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` "
                + "(or install an AppArmor profile for bwrap)";
        }

        return null;
    }
}
