using Serverless.Core.Api;
using Serverless.Core.Validation;

namespace Serverless.Platform.Admin;

/// <summary>
/// What the local platform admits beyond <see cref="FunctionValidator"/>: its scale limits, and only Functions it can
/// run. A Function with an image and no runtime would be stored and then fail at every start (the local backend runs
/// functions from source with a runtime; images need a container runtime, which is Kubernetes mode's).
/// </summary>
internal static class LocalAdmission
{
    public const string ImageOnlyMessage =
        "an image alone runs only in Kubernetes mode (func deploy --kube): the local platform runs a function from its source with a runtime (dotnet, node or python)";

    public static IReadOnlyList<ValidationError> ValidateFunction(Function function, ScaleLimits limits)
    {
        var errors = FunctionValidator.Validate(function, limits);
        if (function.Spec is { Image: { Length: > 0 } } spec && (string.IsNullOrEmpty(spec.Runtime) || spec.Source is null))
        {
            return [.. errors, new ValidationError("spec.image", ImageOnlyMessage)];
        }

        return errors;
    }
}
