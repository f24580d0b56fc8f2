namespace Serverless.Backends.Local.Cgroups;

public enum CgroupVersion
{
    /// <summary>One hierarchy per controller (<c>/sys/fs/cgroup/memory</c>, …): older and hybrid systems.</summary>
    V1,

    /// <summary>The unified hierarchy (<c>/sys/fs/cgroup</c>, cgroup2): current systemd distributions.</summary>
    V2,
}
