namespace Serverless.Backends.Local.Cgroups;

/// <summary>One value written into a file of an instance's cgroup in one controller's hierarchy.</summary>
/// <param name="Optional">A file the kernel may lack (swap accounting off): a failed write is not an error.</param>
internal sealed record CgroupWrite(string Controller, string File, string Value, bool Optional = false);
