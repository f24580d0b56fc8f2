using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using k8s.Models;
using Serverless.TestSupport;

namespace Serverless.Images.Tests;

/// <summary>
/// Runs a pod spec under podman the way a kubelet runs it, for the fields our pods use:
/// <list type="bullet">
/// <item>init containers one after another, each to a zero exit, then the containers;</item>
/// <item>emptyDir volumes as an empty 0777 directory shared by the containers, configMap volumes as a directory of
/// the map's keys (0644, read-only where mounted so);</item>
/// <item>env values and the downward API's <c>metadata.name</c>/<c>metadata.namespace</c>;</item>
/// <item>the pod's and the container's security context: user and group, <c>runAsNonRoot</c> checked against the
/// image as the kubelet does, a read-only root with no tmpfs added anywhere, no new privileges, capabilities,
/// seccomp (RuntimeDefault is podman's default profile, as it is containerd's);</item>
/// <item>CPU and memory limits; command and args as Kubernetes combines them with the image's entrypoint;</item>
/// <item>each containerPort published on an ephemeral 127.0.0.1 port.</item>
/// </list>
/// Probes are not run by podman: <see cref="WaitReadyAsync"/> polls the readiness probe's path. A field that
/// would change how a container runs and that this class cannot honour fails the test instead of being skipped.
/// </summary>
internal sealed class LocalPod : IAsyncDisposable
{
    /// <summary>Every container the tests start carries it, so a leftover is recognisable.</summary>
    public const string Label = "dev.serverless.images-test.pod";

    private const UnixFileMode EveryoneReadWriteExecute = (UnixFileMode)0b111_111_111;
    private const UnixFileMode OwnerWriteEveryoneRead = (UnixFileMode)0b110_100_100;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);
    private readonly Podman _podman;
    private readonly V1PodSpec _spec;
    private readonly LocalPodOptions _options;
    private readonly TempDirectory _directory = new("local-pod");
    private readonly Dictionary<string, string> _volumes = new(StringComparer.Ordinal);
    private readonly List<string> _started = [];
    private readonly Dictionary<string, Stopwatch> _since = new(StringComparer.Ordinal);

    private LocalPod(Podman podman, V1PodSpec spec, LocalPodOptions options)
    {
        _podman = podman;
        _spec = spec;
        _options = options;
    }

    public string Name => _options.Name;

    public static async Task<LocalPod> StartAsync(Podman podman, V1PodSpec spec, LocalPodOptions options)
    {
        var pod = new LocalPod(podman, spec, options);
        try
        {
            await pod.StartCoreAsync();
            return pod;
        }
        catch
        {
            await pod.DisposeAsync();
            throw;
        }
    }

    /// <summary>Where the container's <paramref name="port"/> (a number or a port name) answers from the host.</summary>
    public async Task<Uri> AddressAsync(string container, string port)
    {
        var number = PortNumber(Container(container), port);
        if (HostNetwork)
        {
            return new Uri($"http://127.0.0.1:{number}/");
        }

        var published = (await _podman.CheckedAsync(["port", ContainerName(container), $"{number}/tcp"], CommandTimeout)).Trim();
        return new Uri($"http://{published.Split('\n')[0]}/");
    }

    /// <summary>
    /// Polls the container's readiness probe (<c>httpGet</c>) until it answers 2xx; fails with the logs when the
    /// container exits or <paramref name="timeout"/> passes. Returns the time from the container's start.
    /// </summary>
    /// <param name="address">Where to probe instead of the probe's port (a deviation the caller chose, e.g. a moved port).</param>
    public async Task<TimeSpan> WaitReadyAsync(string container, TimeSpan timeout, Uri? address = null)
    {
        var probe = Container(container).ReadinessProbe?.HttpGet
            ?? throw new InvalidOperationException($"container {container} has no httpGet readiness probe");
        var url = new Uri(address ?? await AddressAsync(container, probe.Port.Value), probe.Path);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return _since[container].Elapsed;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > timeout || (attempt % 10 == 9 && !await IsRunningAsync(container)))
            {
                throw new InvalidOperationException(
                    $"{container} of pod {Name} not ready at {url} within {deadline.Elapsed.TotalSeconds:0.0} s:\n{await DescribeAsync()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The container's exit code once it stopped (bounded by <paramref name="timeout"/>).</summary>
    public async Task<int> WaitExitAsync(string container, TimeSpan timeout) =>
        int.Parse((await _podman.CheckedAsync(["wait", ContainerName(container)], timeout)).Trim(), CultureInfo.InvariantCulture);

    /// <summary>Standard output and error of the container.</summary>
    public async Task<string> LogsAsync(string container)
    {
        var result = await _podman.RunAsync(["logs", ContainerName(container)], CommandTimeout);
        return result.StdOut + result.StdErr;
    }

    public async Task<ProcessSecurity> SecurityAsync(string container)
    {
        var pid = (await _podman.CheckedAsync(["inspect", "--format", "{{.State.Pid}}", ContainerName(container)], CommandTimeout)).Trim();
        return ProcessSecurity.Read(int.Parse(pid, CultureInfo.InvariantCulture));
    }

    /// <summary>Every container's state and logs, for a failure message.</summary>
    public async Task<string> DescribeAsync()
    {
        var text = new StringBuilder();
        foreach (var name in _started)
        {
            var state = await _podman.RunAsync(["inspect", "--format", "{{.State.Status}} exit {{.State.ExitCode}}", name], CommandTimeout);
            var logs = await _podman.RunAsync(["logs", name], CommandTimeout);
            text.AppendLine(CultureInfo.InvariantCulture, $"--- {name}: {state.StdOut.Trim()}");
            text.Append(logs.StdOut).Append(logs.StdErr);
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (_started.Count > 0)
        {
            await _podman.RunAsync(["rm", "--force", "--time", "0", .. _started], CommandTimeout);
        }

        _directory.Dispose();
    }

    private bool HostNetwork => _options.HostNetwork || _spec.HostNetwork == true;

    private string ContainerName(string container) => $"{Name}-{container}";

    private V1Container Container(string name) =>
        _spec.Containers.Concat(_spec.InitContainers ?? []).SingleOrDefault(c => c.Name == name)
        ?? throw new InvalidOperationException($"pod {Name} has no container {name}");

    private static int PortNumber(V1Container container, string port) =>
        int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : (container.Ports ?? []).SingleOrDefault(p => p.Name == port)?.ContainerPort
                ?? throw new InvalidOperationException($"container {container.Name} has no port named {port}");

    private async Task<bool> IsRunningAsync(string container) =>
        (await _podman.RunAsync(["inspect", "--format", "{{.State.Running}}", ContainerName(container)], CommandTimeout)).StdOut.Trim() == "true";

    private async Task StartCoreAsync()
    {
        if (_spec.HostPID == true || _spec.HostIPC == true)
        {
            throw new NotSupportedException("hostPID and hostIPC are not emulated");
        }

        PrepareVolumes();
        foreach (var init in _spec.InitContainers ?? [])
        {
            _started.Add(ContainerName(init.Name));
            _since[init.Name] = Stopwatch.StartNew();
            var result = await _podman.RunAsync(["run", .. await RunArgumentsAsync(init)], CommandTimeout);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"init container {init.Name} of pod {Name} failed: {result}");
            }
        }

        foreach (var container in _spec.Containers)
        {
            _started.Add(ContainerName(container.Name));
            _since[container.Name] = Stopwatch.StartNew();
            await _podman.CheckedAsync(["run", "--detach", .. await RunArgumentsAsync(container)], CommandTimeout);
        }
    }

    private void PrepareVolumes()
    {
        foreach (var volume in _spec.Volumes ?? [])
        {
            var path = Path.Combine(_directory.Path, "volumes", volume.Name);
            Directory.CreateDirectory(path);
            if (volume.EmptyDir is { } emptyDir)
            {
                if (emptyDir.Medium is { Length: > 0 })
                {
                    throw new NotSupportedException($"volume {volume.Name}: emptyDir medium {emptyDir.Medium} is not emulated");
                }

                // The kubelet makes an emptyDir world-writable: any uid the pod runs as can use it.
                File.SetUnixFileMode(path, EveryoneReadWriteExecute);
            }
            else if (volume.ConfigMap is { } configMap)
            {
                if (_options.ConfigMaps.TryGetValue(configMap.Name, out var data))
                {
                    foreach (var (key, bytes) in data)
                    {
                        var file = Path.Combine(path, key);
                        File.WriteAllBytes(file, bytes);
                        File.SetUnixFileMode(file, configMap.DefaultMode is { } mode ? (UnixFileMode)mode : OwnerWriteEveryoneRead);
                    }
                }
                else if (configMap.Optional != true)
                {
                    throw new InvalidOperationException($"volume {volume.Name}: ConfigMap {configMap.Name} is missing (a kubelet would not start the pod)");
                }
            }
            else
            {
                throw new NotSupportedException($"volume {volume.Name}: only emptyDir and configMap volumes are emulated");
            }

            _volumes[volume.Name] = path;
        }
    }

    private async Task<List<string>> RunArgumentsAsync(V1Container container)
    {
        var args = new List<string>
        {
            "--name", ContainerName(container.Name),
            "--hostname", Name,
            "--label", $"{Label}={Name}",
            "--pull", "never",
        };
        args.AddRange(Limits());
        if (HostNetwork)
        {
            args.AddRange(["--network", "host"]);
        }
        else
        {
            foreach (var port in container.Ports ?? [])
            {
                args.AddRange(["--publish", $"127.0.0.1::{port.ContainerPort}/{(port.Protocol ?? "TCP").ToLowerInvariant()}"]);
            }
        }

        if (_spec.TerminationGracePeriodSeconds is { } grace)
        {
            args.AddRange(["--stop-timeout", grace.ToString(CultureInfo.InvariantCulture)]);
        }

        args.AddRange(await SecurityArgumentsAsync(container));
        args.AddRange(ResourceArguments(container));
        args.AddRange(EnvironmentArguments(container));
        foreach (var mount in container.VolumeMounts ?? [])
        {
            if (!string.IsNullOrEmpty(mount.SubPath) || !string.IsNullOrEmpty(mount.SubPathExpr))
            {
                throw new NotSupportedException($"{container.Name}: subPath mounts are not emulated");
            }

            var source = _volumes.GetValueOrDefault(mount.Name) ?? throw new InvalidOperationException($"{container.Name} mounts unknown volume {mount.Name}");
            args.AddRange(["--volume", $"{source}:{mount.MountPath}:{(mount.ReadOnlyProperty == true ? "ro" : "rw")}"]);
        }

        if (!string.IsNullOrEmpty(container.WorkingDir))
        {
            args.AddRange(["--workdir", container.WorkingDir]);
        }

        // Kubernetes: command replaces the image's entrypoint (and drops its cmd), args replace its cmd.
        if (container.Command is { Count: > 0 } command)
        {
            args.AddRange(["--entrypoint", JsonSerializer.Serialize(command)]);
        }

        args.Add(container.Image);
        args.AddRange(container.Args ?? []);
        args.AddRange(_options.ExtraArgs.GetValueOrDefault(container.Name) ?? []);
        return args;
    }

    /// <summary>
    /// Open files and processes at what this host lets a root without CAP_SYS_RESOURCE set (podman's defaults are
    /// above it); a kubelet passes its runtime's limits, which are at least these.
    /// </summary>
    private static string[] Limits()
    {
        var hard = File.ReadAllLines("/proc/self/limits")
            .Where(line => line.StartsWith("Max open files", StringComparison.Ordinal))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[4])
            .Select(value => value == "unlimited" ? 1_048_576 : Math.Min(long.Parse(value, CultureInfo.InvariantCulture), 1_048_576))
            .Single();
        return ["--ulimit", $"nofile={hard}:{hard}", "--ulimit", "nproc=4096:4096"];
    }

    private async Task<List<string>> SecurityArgumentsAsync(V1Container container)
    {
        var pod = _spec.SecurityContext;
        var own = container.SecurityContext;
        var args = new List<string>();
        var uid = own?.RunAsUser ?? pod?.RunAsUser;
        var gid = own?.RunAsGroup ?? pod?.RunAsGroup;
        if (uid is null && gid is not null)
        {
            throw new NotSupportedException($"{container.Name}: runAsGroup without runAsUser is not emulated");
        }

        if (uid is not null)
        {
            args.AddRange(["--user", gid is null ? $"{uid}" : $"{uid}:{gid}"]);
        }

        if ((own?.RunAsNonRoot ?? pod?.RunAsNonRoot) == true)
        {
            await RequireNonRootAsync(container, uid);
        }

        // The kubelet adds fsGroup to the process's groups (and chowns volumes to it; ours are world-writable).
        foreach (var group in (pod?.SupplementalGroups ?? []).Append(pod?.FsGroup).OfType<long>())
        {
            args.AddRange(["--group-add", group.ToString(CultureInfo.InvariantCulture)]);
        }

        if (own?.Privileged == true)
        {
            throw new NotSupportedException($"{container.Name}: privileged containers are not emulated");
        }

        if (own?.ReadOnlyRootFilesystem == true)
        {
            // A kubelet adds no tmpfs: /tmp and /run stay read-only unless a volume is mounted there.
            args.AddRange(["--read-only", "--read-only-tmpfs=false"]);
        }

        if (own?.AllowPrivilegeEscalation == false)
        {
            args.AddRange(["--security-opt", "no-new-privileges"]);
        }

        foreach (var capability in own?.Capabilities?.Drop ?? [])
        {
            args.AddRange(["--cap-drop", capability]);
        }

        foreach (var capability in own?.Capabilities?.Add ?? [])
        {
            args.AddRange(["--cap-add", capability]);
        }

        switch ((own?.SeccompProfile ?? pod?.SeccompProfile)?.Type)
        {
            case "RuntimeDefault":
                break;
            case null or "Unconfined":
                // A kubelet's default is Unconfined; podman's would be its default profile.
                args.AddRange(["--security-opt", "seccomp=unconfined"]);
                break;
            case var other:
                throw new NotSupportedException($"{container.Name}: seccomp profile {other} is not emulated");
        }

        return args;
    }

    /// <summary>As the kubelet: a numeric non-zero uid, from the spec or else from the image's USER.</summary>
    private async Task RequireNonRootAsync(V1Container container, long? uid)
    {
        if (uid is null)
        {
            var user = (await _podman.CheckedAsync(["image", "inspect", "--format", "{{.Config.User}}", container.Image], CommandTimeout)).Trim();
            if (!long.TryParse(user.Split(':')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var imageUid))
            {
                throw new InvalidOperationException($"{container.Name}: runAsNonRoot and image user \"{user}\" is not numeric (a kubelet refuses to start it)");
            }

            uid = imageUid;
        }

        if (uid == 0)
        {
            throw new InvalidOperationException($"{container.Name}: runAsNonRoot and the container would run as root (a kubelet refuses to start it)");
        }
    }

    private static List<string> ResourceArguments(V1Container container)
    {
        var args = new List<string>();
        if (container.Resources?.Limits is { } limits)
        {
            if (limits.TryGetValue("cpu", out var cpu))
            {
                args.AddRange(["--cpus", ((decimal)cpu.ToDecimal()).ToString(CultureInfo.InvariantCulture)]);
            }

            if (limits.TryGetValue("memory", out var memory))
            {
                args.AddRange(["--memory", decimal.ToInt64((decimal)memory.ToDecimal()).ToString(CultureInfo.InvariantCulture)]);
            }
        }

        return args;
    }

    private List<string> EnvironmentArguments(V1Container container)
    {
        if (container.EnvFrom is { Count: > 0 })
        {
            throw new NotSupportedException($"{container.Name}: envFrom is not emulated");
        }

        var args = new List<string>();
        foreach (var variable in container.Env ?? [])
        {
            var value = variable.ValueFrom switch
            {
                null => variable.Value ?? "",
                { FieldRef.FieldPath: "metadata.name" } => Name,
                { FieldRef.FieldPath: "metadata.namespace" } => _options.Namespace,
                _ => throw new NotSupportedException($"{container.Name}: env {variable.Name} from {JsonSerializer.Serialize(variable.ValueFrom)} is not emulated"),
            };
            args.AddRange(["--env", $"{variable.Name}={value}"]);
        }

        foreach (var (name, value) in _options.ExtraEnv.GetValueOrDefault(container.Name) ?? new Dictionary<string, string>())
        {
            args.AddRange(["--env", $"{name}={value}"]);
        }

        return args;
    }
}
