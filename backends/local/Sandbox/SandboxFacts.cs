namespace Serverless.Backends.Local.Sandbox;

/// <summary>What the start-up check found out about this machine, for <see cref="SandboxDiagnosis"/>.</summary>
internal sealed record SandboxFacts
{
    /// <summary>The bwrap executable found, or null when it is not installed.</summary>
    public string? Bwrap { get; init; }

    public bool IsRoot { get; init; }

    /// <summary>The setpriv executable found (needed as root), or null.</summary>
    public string? Setpriv { get; init; }

    /// <summary>The contents of <c>/proc/sys/kernel/unprivileged_userns_clone</c> (Debian's switch), null when absent.</summary>
    public string? UnprivilegedUsernsClone { get; init; }

    /// <summary>The contents of <c>/proc/sys/user/max_user_namespaces</c>, null when absent.</summary>
    public string? MaxUserNamespaces { get; init; }

    /// <summary>The contents of <c>/proc/sys/kernel/apparmor_restrict_unprivileged_userns</c> (Ubuntu 23.10+), null when absent.</summary>
    public string? AppArmorRestrictsUserns { get; init; }

    /// <summary>The exit code of a trivial sandboxed command; null when it was not run.</summary>
    public int? TrialExitCode { get; init; }

    /// <summary>What that command wrote to stderr.</summary>
    public string TrialError { get; init; } = "";
}
