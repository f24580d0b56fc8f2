using System.CommandLine;
using Serverless.Cli.App;
using Serverless.Cli.Targets;
using Serverless.Core.Api;
using Serverless.Core.Configuration;
using Serverless.Core.Traffic;

namespace Serverless.Cli.Commands;

/// <summary>
/// <c>func traffic NAME set rev-a=90 rev-b=10 [--tag canary=rev-b]</c> and <c>func traffic NAME latest</c>: writes the
/// Function's <c>spec.traffic</c>, then shows the revisions with their shares. <c>func traffic NAME rollout --duration
/// 5m</c> sets the Function's rollout duration (an annotation, which deploys keep).
/// </summary>
internal sealed class TrafficCommand
{
    private readonly CliContext _context;

    private TrafficCommand(CliContext context)
    {
        _context = context;
    }

    public static Command Create(CliContext context, GlobalOptions global, FunctionTargets targets)
    {
        var name = CommonOptions.FunctionName();
        var splits = new Argument<string[]>("split") { Description = $"REVISION=PERCENT, percents summing to 100; {TrafficArguments.Latest} follows the latest ready revision", Arity = ArgumentArity.ZeroOrMore };
        var tags = new Option<string[]>("--tag") { Description = "TAG=REVISION: a URL of its own for a revision ({tag}-{function}.{namespace}.{domain}, /{namespace}/{function}@{tag}/)", AllowMultipleArgumentsPerToken = false };
        var set = new Command("set", "Split the function's traffic between revisions") { splits, tags };
        set.SetAction((parse, cancellationToken) =>
        {
            var traffic = TrafficArguments.Parse(parse.GetValue(splits) ?? [], parse.GetValue(tags) ?? [], out var error)
                ?? throw new CliException(error!, "e.g. func traffic hello set hello-00001=90 hello-00002=10 --tag canary=hello-00002");
            var selection = global.Selection(parse);
            return targets.RunAsync(
                context,
                selection,
                target => new TrafficCommand(context).RunAsync(target, parse.GetRequiredValue(name), GlobalOptions.ResolveNamespace(selection, null, target.DefaultNamespace), traffic, cancellationToken),
                cancellationToken);
        });
        var latest = new Command("latest", "Send all traffic to the latest ready revision again (removes spec.traffic)");
        latest.SetAction((parse, cancellationToken) =>
        {
            var selection = global.Selection(parse);
            return targets.RunAsync(
                context,
                selection,
                target => new TrafficCommand(context).RunAsync(target, parse.GetRequiredValue(name), GlobalOptions.ResolveNamespace(selection, null, target.DefaultNamespace), null, cancellationToken),
                cancellationToken);
        });
        var duration = new Option<string>("--duration") { Description = "How long a new latest revision takes to get its whole share, in steps (e.g. 5m, 380s; 0s: at once)", Required = true };
        var rollout = new Command("rollout", $"Roll new revisions in gradually (annotation {RolloutDuration.Annotation}; the next deploys follow it)") { duration };
        rollout.SetAction((parse, cancellationToken) =>
        {
            var text = parse.GetRequiredValue(duration);
            if (!DurationText.TryParse(text, out var value) || value < TimeSpan.Zero || value > RolloutDuration.Max)
            {
                throw new CliException($"--duration \"{text}\": give a duration from 0s to 24h", "e.g. func traffic hello rollout --duration 5m");
            }

            var selection = global.Selection(parse);
            return targets.RunAsync(
                context,
                selection,
                target => new TrafficCommand(context).RolloutAsync(target, parse.GetRequiredValue(name), GlobalOptions.ResolveNamespace(selection, null, target.DefaultNamespace), value, cancellationToken),
                cancellationToken);
        });
        return new Command("traffic", "Split a function's traffic between its revisions") { name, set, latest, rollout };
    }

    private async Task<int> RolloutAsync(IFunctionTarget target, string name, string ns, TimeSpan duration, CancellationToken cancellationToken)
    {
        var text = DurationText.Format(duration);
        await target.SetAnnotationAsync(ns, name, RolloutDuration.Annotation, text, cancellationToken).ConfigureAwait(false);
        _context.Console.Success(duration == TimeSpan.Zero
            ? $"function {ns}/{name}: a new revision takes its share at once"
            : $"function {ns}/{name}: a new revision takes its share in steps over {text}");
        _context.Console.Note($"the next `func deploy` rolls in so; `func describe {name}` shows the Rollout condition");
        return ExitCodes.Ok;
    }

    private async Task<int> RunAsync(IFunctionTarget target, string name, string ns, IList<TrafficTarget>? traffic, CancellationToken cancellationToken)
    {
        await target.SetTrafficAsync(ns, name, traffic, cancellationToken).ConfigureAwait(false);
        var described = traffic is null
            ? "100% to the latest ready revision"
            : string.Join(", ", traffic.Select(t => $"{t.RevisionName ?? TrafficArguments.Latest}={t.Percent}%" + (t.Tag is { } tag ? $" (tag {tag})" : "")));
        _context.Console.Success($"function {ns}/{name}: traffic set: {described}");
        _context.Console.Note($"the platform resolves it once the revisions are ready: `func revisions {name}` shows the split");
        return ExitCodes.Ok;
    }
}
