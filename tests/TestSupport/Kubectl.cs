namespace Serverless.TestSupport;

/// <summary>
/// The real kubectl (<c>/usr/bin/kubectl</c>, v1.32 on every machine here) run as a process against a kubeconfig,
/// with its own discovery cache so no run reads another's.
/// </summary>
public sealed class Kubectl
{
    public const string Path = "/usr/bin/kubectl";

    private readonly string _kubeconfig;
    private readonly string _cacheDirectory;

    public Kubectl(string kubeconfig, string cacheDirectory)
    {
        _kubeconfig = kubeconfig;
        _cacheDirectory = cacheDirectory;
    }

    public static bool IsInstalled => File.Exists(Path);

    public Task<ProcessRunner.Result> RunAsync(params string[] arguments) => RunAsync(null, arguments);

    /// <param name="environment">Added to kubectl's environment (<c>KUBE_EDITOR</c> for <c>edit</c>).</param>
    public Task<ProcessRunner.Result> RunAsync(IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException($"kubectl is missing: these tests run the real {Path} (v1.32); install it (apt-get install kubectl)");
        }

        return ProcessRunner.RunAsync(
            Path,
            ["--kubeconfig", _kubeconfig, "--cache-dir", _cacheDirectory, "--request-timeout", "30s", .. arguments],
            environment,
            timeout: TimeSpan.FromSeconds(60));
    }
}
