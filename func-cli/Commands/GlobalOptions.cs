using System.CommandLine;
using Serverless.Cli.Targets;
using Serverless.Core.Naming;

namespace Serverless.Cli.Commands;

/// <summary>
/// The target-selection flags every command accepts (recursive options on the root):
/// <c>--kube</c>, <c>--context NAME</c>, <c>--namespace/-n NS</c>.
/// </summary>
internal sealed class GlobalOptions
{
    public GlobalOptions()
    {
        Namespace = CommonOptions.Namespace();
        Namespace.Recursive = true;
        Kube.Recursive = true;
        Context.Recursive = true;
        Context.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && value.Length == 0)
            {
                result.AddError("--context must name a kubeconfig context");
            }
        });
    }

    /// <summary>No default value: <c>deploy</c> must tell "not given" from "default" to let func.yaml's namespace apply.</summary>
    public Option<string?> Namespace { get; }

    public Option<bool> Kube { get; } = new("--kube") { Description = "Target the Kubernetes cluster of the current kubeconfig context instead of the local platform" };

    public Option<string?> Context { get; } = new("--context") { Description = "The kubeconfig context to use (implies --kube)", HelpName = "name" };

    public void AddTo(Command root)
    {
        root.Options.Add(Namespace);
        root.Options.Add(Kube);
        root.Options.Add(Context);
    }

    public TargetSelection Selection(ParseResult parse) =>
        new(parse.GetValue(Kube), parse.GetValue(Context), parse.GetValue(Namespace));

    /// <summary>The namespace flag, else <paramref name="fallback"/> (func.yaml's), else the target's default.</summary>
    public static string ResolveNamespace(TargetSelection selection, string? fallback, IFunctionTarget target) =>
        selection.Namespace ?? fallback ?? target.DefaultNamespace;

    /// <summary>Without a target (e.g. <c>func run</c>): the flag, else func.yaml's, else <c>default</c>.</summary>
    public static string ResolveNamespace(TargetSelection selection, string? fallback) =>
        selection.Namespace ?? fallback ?? Names.DefaultNamespace;
}
