using Serverless.Core.Api;

namespace Serverless.Core.Validation;

/// <summary>
/// Checks a defaulted Function and reports every problem at once, each at its field path. Pure: the admin API
/// answers 422 with the list, the CLI prints it, the controller refuses to act on an invalid Function.
/// </summary>
public static class FunctionValidator
{
    public const int MinTimeoutSeconds = 1;
    public const int MaxTimeoutSeconds = 3600;

    public static IReadOnlyList<ValidationError> Validate(Function fn) => Validate(fn, ScaleLimits.None);

    /// <summary>Also checks the scale counts against the platform's <paramref name="limits"/> (the admin API's admission).</summary>
    public static IReadOnlyList<ValidationError> Validate(Function fn, ScaleLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(fn);
        var errors = new ErrorList();
        MetadataValidator.ValidateTypeMeta(fn.ApiVersion, fn.Kind, Function.KindName, errors);
        MetadataValidator.Validate(fn.Metadata, errors);
        Traffic.RolloutDuration.Validate(fn.Metadata?.Annotations, new FieldPath("metadata").Child("annotations"), errors);

        var path = new FieldPath("spec");
        if (fn.Spec is not { } spec)
        {
            errors.Required(path);
            return errors.ToList();
        }

        var imageSet = spec.Image is not null;
        ValidateRuntime(spec, imageSet, path, errors);
        HandlerValidator.Validate(spec.Runtime, spec.Handler, path.Child("handler"), errors);
        ImageReferenceValidator.Validate(spec.Image, path.Child("image"), errors);
        SourceValidator.Validate(spec.Source, imageSet, path.Child("source"), errors);
        EnvValidator.Validate(spec.Env, path.Child("env"), errors);
        ResourcesValidator.Validate(spec.Resources, path.Child("resources"), errors);

        if (spec.TimeoutSeconds is { } timeout && (timeout < MinTimeoutSeconds || timeout > MaxTimeoutSeconds))
        {
            errors.OutOfRange(path.Child("timeoutSeconds"), timeout, MinTimeoutSeconds, MaxTimeoutSeconds);
        }

        ScaleValidator.Validate(spec.Scale, path.Child("scale"), errors);
        ScaleValidator.ValidateLimits(spec.Scale, limits, path.Child("scale"), errors);
        TrafficValidator.Validate(spec.Traffic, fn.Metadata?.Name, path.Child("traffic"), errors);
        return errors.ToList();
    }

    private static void ValidateRuntime(FunctionSpec spec, bool imageSet, FieldPath path, ErrorList errors)
    {
        if (spec.Runtime is null)
        {
            if (!imageSet)
            {
                errors.Add(path.Child("runtime"), "is required unless spec.image is set");
            }

            return;
        }

        if (!RuntimeNames.All.Contains(spec.Runtime, StringComparer.Ordinal))
        {
            errors.Unsupported(path.Child("runtime"), spec.Runtime, RuntimeNames.All);
            return;
        }

        // Without an image the runtime loads the handler, and only dotnet has no conventional default to fill in.
        if (spec.Handler is null && !imageSet)
        {
            errors.Add(
                path.Child("handler"),
                spec.Runtime == RuntimeNames.Dotnet
                    ? "is required for runtime \"dotnet\": Assembly::Namespace.Type::Method"
                    : "is required (defaulting fills it in for this runtime)");
        }
    }
}
