namespace Serverless.Backends.Local.Sandbox;

/// <summary>
/// One piece of the host's system files in every sandbox: a read-only bind of <see cref="Path"/> at the same path,
/// or, when the host has a symlink there (<c>/lib → usr/lib</c> on merged-/usr systems), the same symlink.
/// </summary>
internal sealed record SystemMount(string Path, string? SymlinkTarget = null);
