namespace Serverless.Cli.App;

/// <summary>The global <c>--kube</c>, <c>--context</c> and <c>--namespace</c> flags, as parsed.</summary>
/// <param name="Kube">Target a Kubernetes cluster; implied by <paramref name="Context"/>.</param>
/// <param name="Context">The kubeconfig context; null for the current one.</param>
/// <param name="Namespace">The <c>--namespace</c> flag; null when not given (func.yaml's, then the target's default apply).</param>
internal sealed record TargetSelection(bool Kube, string? Context, string? Namespace)
{
    public static readonly TargetSelection Local = new(false, null, null);

    public bool IsKubernetes => Kube || Context is not null;
}
