using Serverless.Backends.Local.Processes;
using Serverless.Core.Configuration;

namespace Serverless.Backends.Local.Sandbox;

/// <summary>
/// How each instance is isolated: a bubblewrap sandbox (its own mount, PID, IPC and UTS namespaces; a read-only view
/// of its runtime and artifact; a private <c>/tmp</c> and home; no capabilities; no new privileges; an unprivileged
/// uid when the platform is root). The network is shared: functions call out and the activator calls in.
/// </summary>
public sealed class SandboxOptions
{
    /// <summary>The uid and gid our images run as, and that instances run as when the platform is root.</summary>
    public const int DefaultId = 65532;

    /// <summary>
    /// Run each instance in the sandbox (<c>sandbox</c> in the <c>local</c> section of config.json; <c>func up
    /// --no-sandbox</c> turns it off). Default true. Off, instances run as the platform's user with its file access:
    /// the platform logs a warning and <c>func status</c> shows it.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The bubblewrap executable, a path or a name looked up on <c>PATH</c>. Default <c>bwrap</c>.</summary>
    public string BwrapPath { get; set; } = "bwrap";

    /// <summary>
    /// The uid instances run as when the platform runs as root (<c>sandbox-uid</c>). Default 65532. Ignored when the
    /// platform is not root: instances then keep the platform's uid inside an unprivileged user namespace.
    /// </summary>
    public int Uid { get; set; } = DefaultId;

    /// <summary>The gid instances run as when the platform runs as root (<c>sandbox-gid</c>). Default 65532.</summary>
    public int Gid { get; set; } = DefaultId;

    /// <summary>Adds every invalid setting to <paramref name="checks"/>, each naming the key, the value and the allowed range.</summary>
    public void Validate(OptionChecks checks)
    {
        ArgumentNullException.ThrowIfNull(checks);

        // 0 would be root again.
        checks
            .Require(!string.IsNullOrWhiteSpace(BwrapPath), "Sandbox.BwrapPath", BwrapPath ?? "", "must not be empty")
            .Require(Uid > 0, LocalBackendOptions.SandboxUidKey, Uid, "must be greater than 0 (instances must not run as root)")
            .Require(Gid > 0, LocalBackendOptions.SandboxGidKey, Gid, "must be greater than 0 (instances must not run in the root group)");
    }
}
