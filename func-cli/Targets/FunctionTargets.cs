using Serverless.Cli.Commands;

namespace Serverless.Cli.Targets;

/// <summary>Opens the target the global flags select: the local platform unless <c>--kube</c> or <c>--context</c> is given.</summary>
internal static class FunctionTargets
{
    /// <exception cref="CliException">The selected target cannot be reached, or Kubernetes support is not available.</exception>
    public static IFunctionTarget Open(CliContext context, TargetSelection selection)
    {
        if (!selection.IsKubernetes)
        {
            return LocalTarget.Open(context);
        }

        if (context.KubernetesTargets is not { } open)
        {
            throw new CliException(
                "the Kubernetes target is not available in this build of func",
                "drop --kube/--context to use the local platform (`func up` starts it)");
        }

        return open(selection);
    }
}
