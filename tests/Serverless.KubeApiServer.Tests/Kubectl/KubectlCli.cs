using Serverless.TestSupport;

namespace Serverless.KubeApiServer.Tests.Kubectl;

/// <summary>Runs the real kubectl against a double through a kubeconfig.</summary>
internal sealed class KubectlCli(string kubeconfig, string directory)
{
    /// <summary>kubectl on PATH, if any.</summary>
    public static string? Path { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => System.IO.Path.Combine(dir, "kubectl"))
        .FirstOrDefault(File.Exists);

    public Task<ProcessRunner.Result> RunAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(Path!, ["--kubeconfig", kubeconfig, .. arguments], timeout: TimeSpan.FromSeconds(60));

    /// <summary>Writes <paramref name="manifest"/> to a file and runs <c>kubectl apply -f</c> on it with <paramref name="arguments"/>.</summary>
    public async Task<ProcessRunner.Result> ApplyAsync(string manifest, params string[] arguments)
    {
        var file = System.IO.Path.Combine(directory, $"manifest-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, manifest);
        return await RunAsync(["apply", "-f", file, .. arguments]);
    }
}
