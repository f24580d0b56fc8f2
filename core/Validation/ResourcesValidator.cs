using k8s.Models;

namespace Serverless.Core.Validation;

/// <summary>
/// <c>spec.resources</c>: only the resources both backends can enforce, each a positive quantity, limits not
/// below requests. A <see cref="ResourceQuantity"/> that exists has already parsed (its constructor parses), so
/// what is left to check is presence, sign and the order of request and limit.
/// </summary>
internal static class ResourcesValidator
{
    public static readonly IReadOnlyList<string> SupportedResources = ["cpu", "memory", "ephemeral-storage"];

    public static void Validate(V1ResourceRequirements? resources, FieldPath path, ErrorList errors)
    {
        if (resources is null)
        {
            return;
        }

        if (resources.Claims is { Count: > 0 })
        {
            errors.Forbidden(path.Child("claims"), "(dynamic resource claims are not supported)");
        }

        var requests = ValidateQuantities(resources.Requests, path.Child("requests"), errors);
        var limits = ValidateQuantities(resources.Limits, path.Child("limits"), errors);
        foreach (var (name, limit) in limits)
        {
            if (requests.TryGetValue(name, out var request) && limit < request)
            {
                errors.Add(
                    path.Child("limits").Key(name),
                    $"must be greater than or equal to the request ({resources.Requests![name]}) (got {resources.Limits![name]})");
            }
        }
    }

    /// <returns>The valid entries as numbers, for comparing limits with requests.</returns>
    private static Dictionary<string, decimal> ValidateQuantities(
        IDictionary<string, ResourceQuantity>? quantities, FieldPath path, ErrorList errors)
    {
        var valid = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (quantities is null)
        {
            return valid;
        }

        foreach (var (name, quantity) in quantities)
        {
            var entryPath = path.Key(name);
            if (!SupportedResources.Contains(name, StringComparer.Ordinal))
            {
                errors.Unsupported(entryPath, name, SupportedResources);
                continue;
            }

            if (quantity is null)
            {
                errors.Required(entryPath);
                continue;
            }

            var value = quantity.ToDecimal();
            if (value <= 0)
            {
                errors.Add(entryPath, $"must be greater than 0 (got {quantity})");
                continue;
            }

            valid[name] = value;
        }

        return valid;
    }
}
