using Serverless.Cli.App;
using Serverless.Cli.Targets.Kubernetes;
using Serverless.Cli.Targets.Local;

namespace Serverless.Cli.Targets;

/// <summary>Opens the target the global flags select: the local platform unless <c>--kube</c> or <c>--context</c> is given.</summary>
internal sealed class FunctionTargets
{
    private readonly Func<TargetSelection, IFunctionTarget>? _kubernetes;

    /// <param name="kubernetes">
    /// Opens the Kubernetes target. <c>func</c> always has one (<see cref="ForProcess"/>). The in-process
    /// command tests pass null, so that <c>--kube</c> there never reaches the kubeconfig of the machine
    /// running them; those flags then fail with a message and a way out.
    /// </param>
    public FunctionTargets(Func<TargetSelection, IFunctionTarget>? kubernetes)
    {
        _kubernetes = kubernetes;
    }

    /// <summary>The local platform, and the cluster the environment's kubeconfig names, found as kubectl finds it.</summary>
    public static FunctionTargets ForProcess(Func<string, string?> environment) =>
        new(selection => KubernetesTarget.Open(selection, environment));

    /// <exception cref="CliException">The selected target cannot be reached, or Kubernetes support is not available.</exception>
    public IFunctionTarget Open(CliContext context, TargetSelection selection)
    {
        if (!selection.IsKubernetes)
        {
            return LocalTarget.Open(context);
        }

        if (_kubernetes is not { } open)
        {
            throw new CliException(
                "the Kubernetes target is not available in this build of func",
                "drop --kube/--context to use the local platform (`func up` starts it)");
        }

        return open(selection);
    }

    /// <summary>Runs a command body (as <see cref="CommandRunner"/> does) with the selected target, disposed afterwards.</summary>
    public Task<int> RunAsync(
        CliContext context, TargetSelection selection, Func<IFunctionTarget, Task<int>> body, CancellationToken cancellationToken) =>
        CommandRunner.RunAsync(
            context,
            async () =>
            {
                await using var target = Open(context, selection);
                return await body(target).ConfigureAwait(false);
            },
            cancellationToken);
}
