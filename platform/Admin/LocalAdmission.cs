using Serverless.Backends.Local.Processes;
using Serverless.Core.Api;
using Serverless.Core.Validation;

namespace Serverless.Platform.Admin;

/// <summary>
/// What the local platform admits beyond <see cref="FunctionValidator"/>: its scale limits, only Functions it can
/// run, code only from where <see cref="SourcePathPolicy"/> allows, and none in the namespace <c>brokers</c>, whose
/// path URLs belong to the broker ingress. A Function with an image and no runtime would be stored and then fail at every start (the local backend runs
/// functions from source with a runtime; images need a container runtime, which is Kubernetes mode's).
/// </summary>
internal static class LocalAdmission
{
    public const string ImageOnlyMessage =
        "an image alone runs only in Kubernetes mode (func deploy --kube): the local platform runs a function from its source with a runtime (dotnet, node or python)";

    /// <summary>The namespace whose path the broker ingress answers: <c>/brokers/{namespace}/{broker}</c>.</summary>
    public const string BrokerIngressNamespace = "brokers";

    public static IReadOnlyList<ValidationError> ValidateFunction(Function function, ScaleLimits limits, SourcePathPolicy sources)
    {
        List<ValidationError> errors = [.. FunctionValidator.Validate(function, limits)];
        if (function.Spec?.Source?.Path is { } path
            && sources.Check(function.Metadata?.NamespaceProperty ?? "default", function.Metadata?.Name ?? "", path) is { } refused)
        {
            errors.Add(new ValidationError("spec.source.path", refused));
        }

        if (function.Spec is { Image: { Length: > 0 } } spec && (string.IsNullOrEmpty(spec.Runtime) || spec.Source is null))
        {
            errors.Add(new ValidationError("spec.image", ImageOnlyMessage));
        }

        if (function.Metadata?.NamespaceProperty == BrokerIngressNamespace)
        {
            // Its path URL, /brokers/{name}/…, would be answered by the broker ingress, never by the function.
            errors.Add(new ValidationError(
                "metadata.namespace",
                "\"brokers\" is reserved on the local platform: /brokers/… is the broker ingress, so a function there could not be reached by its URL"));
        }

        return errors;
    }
}
