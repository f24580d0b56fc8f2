using System.CommandLine;
using k8s.Models;
using Serverless.Cli.App;
using Serverless.Cli.Targets;
using Serverless.Cli.Triggers;
using Serverless.Core.Api;
using Serverless.Core.Naming;

namespace Serverless.Cli.Commands;

/// <summary>
/// <c>func subscribe FUNCTION --broker default --filter type=… [--filter source=…] [--name N]</c>: creates or
/// updates the Trigger that delivers the broker's matching events to the function.
/// </summary>
internal sealed class SubscribeCommand
{
    private readonly CliContext _context;

    private SubscribeCommand(CliContext context)
    {
        _context = context;
    }

    public static Command Create(CliContext context, GlobalOptions global, FunctionTargets targets)
    {
        var function = CommonOptions.FunctionName();
        var broker = new Option<string>("--broker") { Description = "The broker to subscribe to", DefaultValueFactory = _ => "default" };
        broker.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && !Names.IsDns1123Label(value))
            {
                result.AddError("--broker " + Names.Dns1123LabelError(value));
            }
        });
        var filters = new Option<string[]>("--filter") { Description = "Deliver only events whose attribute equals the value (repeatable; none = every event)", HelpName = "ATTRIBUTE=VALUE" };
        filters.Validators.Add(result =>
        {
            if (FilterExpression.TryParse(result.GetValueOrDefault<string[]>() ?? [], out var error) is null)
            {
                result.AddError(error!);
            }
        });
        var name = CommonOptions.Label("--name", "The Trigger's name [default: FUNCTION-HASH, the hash of broker and filters]");
        var command = new Command("subscribe", "Deliver a broker's events (optionally filtered) to a function") { function, broker, filters, name };
        command.SetAction((parse, cancellationToken) =>
        {
            var selection = global.Selection(parse);
            return targets.RunAsync(
                context,
                selection,
                target => new SubscribeCommand(context).RunAsync(
                    target,
                    Build(
                        GlobalOptions.ResolveNamespace(selection, null, target.DefaultNamespace),
                        parse.GetRequiredValue(function),
                        parse.GetRequiredValue(broker),
                        FilterExpression.TryParse(parse.GetValue(filters) ?? [], out _)!,
                        parse.GetValue(name)),
                    cancellationToken),
                cancellationToken);
        });
        return command;
    }

    /// <summary>The Trigger for a subscription. Pure.</summary>
    internal static Trigger Build(string ns, string function, string broker, IReadOnlyDictionary<string, string> filters, string? name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name ?? TriggerNames.For(function, broker, filters), NamespaceProperty = ns },
        Spec = new TriggerSpec
        {
            Broker = broker,
            Filter = filters.Count == 0 ? null : new TriggerFilter { Attributes = new Dictionary<string, string>(filters, StringComparer.Ordinal) },
            Subscriber = new Destination { Ref = new DestinationRef { ApiVersion = ApiGroup.ApiVersion, Kind = Function.KindName, Name = function } },
        },
    };

    private async Task<int> RunAsync(IFunctionTarget target, Trigger trigger, CancellationToken cancellationToken)
    {
        var ns = trigger.Metadata.NamespaceProperty;
        var function = trigger.Spec.Subscriber!.Ref!.Name!;
        if (await target.GetAsync(ns, function, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new FunctionNotFoundException(ns, function);
        }

        var stored = await target.ApplyTriggerAsync(trigger, cancellationToken).ConfigureAwait(false);
        var filter = stored.Spec.Filter?.Attributes is { Count: > 0 } attributes
            ? string.Join(", ", attributes.Select(a => a.Key + "=" + a.Value))
            : "every event";
        _context.Console.Success($"trigger {ns}/{stored.Metadata.Name}: {filter} on broker {stored.Spec.Broker} -> function {function}");
        return ExitCodes.Ok;
    }
}
