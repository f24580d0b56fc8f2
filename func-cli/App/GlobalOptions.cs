using System.CommandLine;
using Serverless.Core.Naming;

namespace Serverless.Cli.App;

/// <summary>
/// The target-selection flags every command accepts (recursive options on the root):
/// <c>--kube</c>, <c>--context NAME</c>, <c>--namespace/-n NS</c>.
/// </summary>
internal sealed class GlobalOptions
{
    public GlobalOptions()
    {
        Namespace.Recursive = true;
        Namespace.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && !Names.IsDns1123Label(value))
            {
                result.AddError("--namespace " + Names.Dns1123LabelError(value));
            }
        });
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
    public Option<string?> Namespace { get; } = new("--namespace", "-n") { Description = "The function's namespace [default: default]" };

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

    /// <summary>
    /// The namespace flag, else <paramref name="fallback"/> (func.yaml's), else <paramref name="targetDefault"/>:
    /// the target's own default (a kubeconfig context's namespace), or <c>default</c> without a target (<c>func run</c>).
    /// </summary>
    public static string ResolveNamespace(TargetSelection selection, string? fallback, string targetDefault = Names.DefaultNamespace) =>
        selection.Namespace ?? fallback ?? targetDefault;
}
