using Serverless.Backends.Local.Sandbox;

namespace Serverless.Backends.Local.Tests.Sandbox;

public sealed class SandboxCommandBuilderTests
{
    private static readonly SandboxLayout Root = new()
    {
        BwrapPath = "/usr/bin/bwrap",
        SystemMounts = [new("/usr"), new("/lib", "usr/lib"), new("/etc")],
        RunAs = (65532, 65532),
        SetprivPath = "/usr/bin/setpriv",
        RuntimePaths = ["/opt/python3.12", "/srv/out/runtimes/python"],
        ArtifactPath = "/var/lib/serverless/artifacts/default/hello/abc",
        HiddenPaths = ["/var/lib/serverless"],
    };

    private static IReadOnlyList<string> Build(SandboxLayout layout) =>
        SandboxCommandBuilder.Build(layout, "/opt/python3.12/bin/python3.12", ["/srv/out/runtimes/python/runtime.py"]);

    /// <summary>The value after each occurrence of <paramref name="flag"/> (one argument).</summary>
    private static List<string> After(IReadOnlyList<string> argv, string flag) =>
        argv.Select((a, i) => (a, i)).Where(x => x.a == flag && x.i + 1 < argv.Count).Select(x => argv[x.i + 1]).ToList();

    private static int IndexOfPair(IReadOnlyList<string> argv, string flag, string value) =>
        Enumerable.Range(0, argv.Count - 1).First(i => argv[i] == flag && argv[i + 1] == value);

    [Fact]
    public void Build_AsRoot_NewNamespacesSharedNetworkAndSetprivDroppingEverything()
    {
        var argv = Build(Root);
        var separator = argv.ToList().IndexOf("--");

        Assert.Equal("/usr/bin/bwrap", argv[0]);
        Assert.Equal(["--unshare-pid", "--unshare-ipc", "--unshare-uts"], argv.Skip(1).Take(3));
        Assert.DoesNotContain("--unshare-net", argv);
        Assert.DoesNotContain("--unshare-user", argv);
        Assert.Contains("--die-with-parent", argv);
        Assert.Contains("--new-session", argv);
        Assert.Equal(
            ["/usr/bin/setpriv", "--reuid=65532", "--regid=65532", "--clear-groups", "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all", "--",
             "/opt/python3.12/bin/python3.12", "/srv/out/runtimes/python/runtime.py"],
            argv.Skip(separator + 1));
    }

    [Fact]
    public void Build_NotRoot_UserNamespaceWithoutSetprivAndNoNestedUserNamespaces()
    {
        var argv = Build(Root with { RunAs = null, SetprivPath = null });

        Assert.Contains("--unshare-user", argv);
        Assert.Contains("--disable-userns", argv);
        Assert.DoesNotContain("/usr/bin/setpriv", argv);
        Assert.Equal(["/opt/python3.12/bin/python3.12", "/srv/out/runtimes/python/runtime.py"], argv.Skip(argv.ToList().IndexOf("--") + 1));
    }

    [Fact]
    public void Build_RunAsWithoutSetpriv_Throws()
    {
        Assert.Throws<ArgumentException>(() => Build(Root with { SetprivPath = null }));
    }

    [Fact]
    public void Build_SystemMounts_ReadOnlyBindsAndSymlinksAsOnTheHost()
    {
        var argv = Build(Root);

        Assert.Equal(["/usr", "/etc", "/opt/python3.12", "/srv/out/runtimes/python", "/var/lib/serverless/artifacts/default/hello/abc"], After(argv, "--ro-bind"));
        var link = argv.ToList().IndexOf("--symlink");
        Assert.Equal(["usr/lib", "/lib"], argv.Skip(link + 1).Take(2));
    }

    [Fact]
    public void Build_WritablePlaces_PrivateStickyTmpfsForTmpSharedMemoryAndHome()
    {
        var argv = Build(Root);

        Assert.Contains("/tmp", After(argv, "--tmpfs"));
        Assert.Contains("/dev/shm", After(argv, "--tmpfs"));
        Assert.Contains("/home/function", After(argv, "--tmpfs"));
        Assert.Equal(["/proc"], After(argv, "--proc"));
        Assert.Equal(["/dev"], After(argv, "--dev"));
        Assert.DoesNotContain("--size", argv);
    }

    [Fact]
    public void Build_EphemeralStorageLimit_SizesEachTmpfs()
    {
        var argv = Build(Root with { TmpfsSizeBytes = 1 << 20 });

        Assert.Equal(["1048576", "1048576", "1048576"], After(argv, "--size"));
    }

    [Fact]
    public void Build_StateDirectoryNotUnderAnyBind_NotMountedAtAll()
    {
        var argv = Build(Root);

        Assert.DoesNotContain("/var/lib/serverless", After(argv, "--tmpfs"));
        Assert.DoesNotContain("/var/lib/serverless", After(argv, "--ro-bind"));
    }

    [Fact]
    public void Build_StateDirectoryUnderABoundRuntimePrefix_MaskedReadOnlyThenArtifactBoundInside()
    {
        // A runtime installed in /var (say /var/lib/rt) whose bind would show a state directory below it.
        var layout = Root with { RuntimePaths = ["/var/lib"], HiddenPaths = ["/var/lib/serverless"] };

        var argv = Build(layout).ToList();

        var bindRuntime = argv.IndexOf("/var/lib");
        var mask = IndexOfPair(argv, "--tmpfs", "/var/lib/serverless");
        var bindArtifact = IndexOfPair(argv, "--ro-bind", "/var/lib/serverless/artifacts/default/hello/abc");
        var remount = argv.IndexOf("--remount-ro");
        Assert.True(bindRuntime < mask && mask < bindArtifact && bindArtifact < remount, string.Join(' ', argv));
        Assert.Equal("/var/lib/serverless", argv[remount + 1]);

        // Inside the mask the bind below shows nothing: the artifact's parents are made there, traversable.
        Assert.Equal(["/home", "/var", "/var/lib/serverless/artifacts", "/var/lib/serverless/artifacts/default", "/var/lib/serverless/artifacts/default/hello"], After(argv, "--dir"));
    }

    [Fact]
    public void Build_ParentsOutsideBinds_MadeTraversable()
    {
        // bubblewrap as root would make them 0700: the instance's uid could not reach its artifact.
        var argv = Build(Root);

        Assert.Equal(["/home", "/opt", "/srv", "/srv/out", "/srv/out/runtimes", "/var", "/var/lib", "/var/lib/serverless", "/var/lib/serverless/artifacts", "/var/lib/serverless/artifacts/default", "/var/lib/serverless/artifacts/default/hello"], After(argv, "--dir"));
        Assert.All(argv.Select((a, i) => (a, i)).Where(x => x.a == "--dir"), x => Assert.Equal("0755", argv[x.i - 1]));
    }

    [Fact]
    public void Build_ArtifactUnderTmp_BoundAfterTheTmpfs()
    {
        var argv = Build(Root with { ArtifactPath = "/tmp/work/src" }).ToList();

        var tmpfs = IndexOfPair(argv, "--tmpfs", "/tmp");
        Assert.True(tmpfs < argv.IndexOf("/tmp/work/src"));
        Assert.Contains("/tmp/work", After(argv, "--dir"));
    }

    [Fact]
    public void Build_RuntimePathsAndArtifact_ParentsFirstWhateverTheirOrder()
    {
        var argv = Build(Root with { RuntimePaths = ["/srv/out/runtimes/python", "/srv/out"] });

        Assert.Equal(["/usr", "/etc", "/srv/out", "/srv/out/runtimes/python", "/var/lib/serverless/artifacts/default/hello/abc"], After(argv, "--ro-bind"));
    }

    [Fact]
    public void Build_HandshakeDescriptors_PassedWhenSet()
    {
        var argv = Build(Root with { InfoFd = 57, BlockFd = 58 });

        Assert.Equal(["57"], After(argv, "--info-fd"));
        Assert.Equal(["58"], After(argv, "--block-fd"));
        Assert.Empty(After(Build(Root), "--info-fd"));
    }

    [Fact]
    public void Build_WorkingDirectory_IsTheArtifact()
    {
        Assert.Equal([Root.ArtifactPath], After(Build(Root), "--chdir"));
    }
}
