using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Core.Api;
using Serverless.Core.Defaulting;
using Serverless.Core.Serialization;
using Serverless.Core.Validation;

namespace Serverless.Deploy.Tests.Schema;

/// <summary>
/// What core says about a resource as the controller sees it: read from JSON (a shape error is a refusal),
/// defaulted, then validated, exactly as the admin API and the controller do.
/// </summary>
internal static class CoreVerdict
{
    public static IReadOnlyList<ValidationError> Errors(string kind, JsonNode resource)
    {
        var json = resource.ToJsonString();
        try
        {
            return kind switch
            {
                Function.KindName => ValidateFunction(ResourceJson.Deserialize<Function>(json)),
                Trigger.KindName => ValidateTrigger(ResourceJson.Deserialize<Trigger>(json)),
                Broker.KindName => ValidateBroker(ResourceJson.Deserialize<Broker>(json)),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a serverless.dev kind"),
            };
        }
        catch (JsonException e)
        {
            return [new ValidationError("<json>", e.Message)];
        }
    }

    private static IReadOnlyList<ValidationError> ValidateFunction(Function fn)
    {
        FunctionDefaults.Apply(fn);
        return FunctionValidator.Validate(fn);
    }

    private static IReadOnlyList<ValidationError> ValidateTrigger(Trigger trigger)
    {
        TriggerDefaults.Apply(trigger);
        return TriggerValidator.Validate(trigger);
    }

    private static IReadOnlyList<ValidationError> ValidateBroker(Broker broker)
    {
        BrokerDefaults.Apply(broker);
        return BrokerValidator.Validate(broker);
    }
}
