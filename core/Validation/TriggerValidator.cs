using System.Text.RegularExpressions;
using Serverless.Core.Api;

namespace Serverless.Core.Validation;

/// <summary>Checks a defaulted Trigger and reports every problem at once.</summary>
public static partial class TriggerValidator
{
    public const int MaxFilterValueLength = 1024;

    public static IReadOnlyList<ValidationError> Validate(Trigger trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        var errors = new ErrorList();
        MetadataValidator.ValidateTypeMeta(trigger.ApiVersion, trigger.Kind, Trigger.KindName, errors);
        MetadataValidator.Validate(trigger.Metadata, errors);

        var path = new FieldPath("spec");
        if (trigger.Spec is not { } spec)
        {
            errors.Required(path);
            return errors.ToList();
        }

        MetadataValidator.ValidateDnsLabel(spec.Broker, path.Child("broker"), errors);
        ValidateFilter(spec.Filter, path.Child("filter"), errors);
        DestinationValidator.Validate(spec.Subscriber, required: true, path.Child("subscriber"), errors);
        DeliveryValidator.Validate(spec.Delivery, path.Child("delivery"), errors);
        return errors.ToList();
    }

    private static void ValidateFilter(TriggerFilter? filter, FieldPath path, ErrorList errors)
    {
        if (filter?.Attributes is not { } attributes)
        {
            return;
        }

        var attributesPath = path.Child("attributes");
        foreach (var (name, value) in attributes)
        {
            if (!AttributeName().IsMatch(name))
            {
                // The CloudEvents spec: attribute names are lower-case letters and digits, at most 20 recommended.
                errors.Add(attributesPath, $"key {ErrorList.Quote(name)}: a CloudEvents attribute name must be 1 to 20 lower-case letters or digits");
            }

            if (string.IsNullOrEmpty(value))
            {
                errors.Add(attributesPath.Key(name), "must not be empty");
            }
            else if (value.Length > MaxFilterValueLength)
            {
                errors.Add(attributesPath.Key(name), $"must be no more than {MaxFilterValueLength} characters (got {value.Length})");
            }
            else if (value.Any(char.IsControl))
            {
                errors.Add(attributesPath.Key(name), $"must not contain control characters (got {ErrorList.Quote(value)})");
            }
        }
    }

    [GeneratedRegex(@"^[a-z0-9]{1,20}\z", RegexOptions.CultureInvariant)]
    private static partial Regex AttributeName();
}
