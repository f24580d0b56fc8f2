using Serverless.Core.Api;

namespace Serverless.Core.Validation;

/// <summary>Checks a defaulted Broker and reports every problem at once.</summary>
public static class BrokerValidator
{
    public static IReadOnlyList<ValidationError> Validate(Broker broker)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var errors = new ErrorList();
        MetadataValidator.ValidateTypeMeta(broker.ApiVersion, broker.Kind, Broker.KindName, errors);
        MetadataValidator.Validate(broker.Metadata, errors);

        var path = new FieldPath("spec");
        if (broker.Spec is not { } spec)
        {
            errors.Required(path);
            return errors.ToList();
        }

        DeliveryValidator.Validate(spec.Delivery, path.Child("delivery"), errors);
        return errors.ToList();
    }
}
