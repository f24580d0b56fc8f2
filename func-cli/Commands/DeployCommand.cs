using System.CommandLine;
using Serverless.Cli.App;
using Serverless.Cli.Build;
using Serverless.Cli.Project;
using Serverless.Cli.Targets;
using Serverless.Cli.Targets.Kubernetes;
using Serverless.Cli.Watching;
using Serverless.Core.Api;

namespace Serverless.Cli.Commands;

/// <summary>
/// <c>func deploy</c>: builds the function in a directory, hands the artifact and its Function to the
/// target and waits until that generation is Ready; <c>--watch</c> then redeploys on every saved change.
/// </summary>
internal sealed class DeployCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly CliContext _context;

    private DeployCommand(CliContext context)
    {
        _context = context;
    }

    public static Command Create(CliContext context, GlobalOptions global, FunctionTargets targets)
    {
        var directory = CommonOptions.ProjectDirectory();
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the Function is stored, without waiting for it to be ready" };
        var watch = new Option<bool>("--watch", "-w") { Description = "Keep running and redeploy on every saved change (Ctrl+C stops)" };
        var env = CommonOptions.EnvOverrides();
        var timeout = CommonOptions.PositiveSeconds("--timeout", 120, "Seconds to wait for the function to become ready");
        var tag = new Option<string?>("--tag") { Description = "Give the deployed revision a tag: its own URL /{namespace}/{function}@{tag}/, with no share of the traffic" };
        var command = new Command("deploy", "Build a function and deploy it (func.yaml's namespace, else --namespace, else default)") { directory, noWait, watch, env, timeout, tag };
        command.SetAction((parse, cancellationToken) =>
        {
            var selection = global.Selection(parse);
            var options = new DeployOptions(
                Path.GetFullPath(parse.GetRequiredValue(directory)),
                parse.GetValue(env) ?? [],
                parse.GetValue(noWait),
                TimeSpan.FromSeconds(parse.GetValue(timeout)))
            {
                Tag = parse.GetValue(tag),
            };
            return targets.RunAsync(
                context,
                selection,
                target => parse.GetValue(watch)
                    ? new DeployCommand(context).WatchAsync(target, selection, options, cancellationToken)
                    : new DeployCommand(context).DeployOnceAsync(target, selection, options, cancellationToken),
                cancellationToken);
        });
        return command;
    }

    private async Task<int> DeployOnceAsync(IFunctionTarget target, TargetSelection selection, DeployOptions options, CancellationToken cancellationToken)
    {
        var project = ProjectLoader.Load(options.Directory, options.Env);
        var ns = GlobalOptions.ResolveNamespace(selection, project.Namespace, target.DefaultNamespace);
        if (project.Native && target is KubernetesTarget)
        {
            // Checked before the minute of native compiling: the pod runs the runtime image, which loads IL.
            throw new CliException(
                $"build.native runs on the local platform only; {target.Description} is a Kubernetes cluster",
                "remove `build: {native: true}` from func.yaml to deploy there (the function is then JIT-compiled)");
        }

        using var artifact = await ArtifactBuild.RunAsync(_context, project, options.Directory, cancellationToken).ConfigureAwait(false);
        var applied = await target.ApplyAsync(FunctionManifest.Build(project, ns, artifactPath: ""), artifact, cancellationToken).ConfigureAwait(false);
        var digest = artifact.Digest[..ArtifactStore.DigestPrefixLength];
        if (applied.ArtifactReplaced is { } replaced)
        {
            _context.Console.Note($"artifact {digest}: the stored copy was not reused: {replaced}");
        }

        _context.Console.Note(applied.ArtifactUploaded
            ? $"artifact {digest}: {artifact.Entries.Count} files installed in {applied.ArtifactLocation}"
            : $"artifact {digest} unchanged");

        foreach (var declared in project.Triggers)
        {
            var trigger = await target.ApplyTriggerAsync(
                SubscribeCommand.Build(ns, project.Name, declared.Broker, declared.Filter, declared.Name), cancellationToken).ConfigureAwait(false);
            _context.Console.Note($"trigger {ns}/{trigger.Metadata.Name} applied (broker {declared.Broker})");
        }

        var stored = applied.Function;
        if (options.Tag is { } tagName)
        {
            // The revision this deploy cut is named after the generation the write produced (Knative's naming).
            var revision = Core.Naming.RevisionNames.Name(project.Name, stored.Metadata.Generation ?? 1);
            var traffic = (stored.Spec.Traffic ?? [new TrafficTarget { LatestRevision = true, Percent = 100 }])
                .Where(t => t.Tag != tagName)
                .Append(new TrafficTarget { RevisionName = revision, Percent = 0, Tag = tagName })
                .ToList();
            stored = await target.SetTrafficAsync(ns, project.Name, traffic, cancellationToken).ConfigureAwait(false);
            _context.Console.Note($"revision {revision} tagged {tagName}");
        }

        if (options.NoWait)
        {
            _context.Console.Success($"function {ns}/{project.Name} submitted (generation {stored.Metadata.Generation})");
            return ExitCodes.Ok;
        }

        var ready = await WaitReadyAsync(target, stored, options.Timeout, cancellationToken).ConfigureAwait(false);
        _context.Console.Success($"function {ns}/{project.Name} is ready");
        if (ready.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.ResourcesEnforced) is { Status: ConditionStatus.False } unenforced)
        {
            _context.Console.Note($"warning: {ConditionTypes.ResourcesEnforced}=False ({unenforced.Reason}): {unenforced.Message}");
        }

        if (ready.Status?.Url is { Length: > 0 } url)
        {
            _context.Console.Line(url);
        }

        return ExitCodes.Ok;
    }

    /// <summary>Deploys, then redeploys after each settled burst of changes; a failed deploy is reported and the watch goes on.</summary>
    private async Task<int> WatchAsync(IFunctionTarget target, TargetSelection selection, DeployOptions options, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(options.Directory))
        {
            throw new CliException($"{options.Directory} is not a directory", "pass the function's directory, e.g. `func deploy --watch examples/hello-node`");
        }

        using var watcher = new ChangeWatcher(options.Directory, _context.Time);
        await DeployReportingAsync(target, selection, options, cancellationToken).ConfigureAwait(false);
        _context.Console.Note($"watching {options.Directory} for changes (Ctrl+C to stop)");
        await watcher.RunAsync(
            async token =>
            {
                _context.Console.Note("change detected: redeploying");
                await DeployReportingAsync(target, selection, options, token).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private async Task DeployReportingAsync(IFunctionTarget target, TargetSelection selection, DeployOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await DeployOnceAsync(target, selection, options, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException ex) when (ex is not Platform.PlatformNotRunningException)
        {
            // A typo in the code must not end the watch: say what failed and wait for the fix.
            _context.Console.Fail(ex.Message, ex.Details, "fix it and save: the watch redeploys on the next change");
        }
    }

    private async Task<Function> WaitReadyAsync(IFunctionTarget target, Function stored, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var generation = stored.Metadata.Generation ?? 1;
        var ns = stored.Metadata.NamespaceProperty;
        var name = stored.Metadata.Name;
        using var deadline = new CancellationTokenSource(timeout, _context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var last = FunctionReadiness.Evaluate(stored, generation);
        try
        {
            return await _context.Console.WithStatusAsync($"waiting for {ns}/{name} to become ready…", async update =>
            {
                while (true)
                {
                    var current = await target.GetAsync(ns, name, linked.Token).ConfigureAwait(false)
                        ?? throw new CliException($"function {ns}/{name} was deleted while deploying", "run `func deploy` again");
                    last = FunctionReadiness.Evaluate(current, generation);
                    switch (last.State)
                    {
                        case ReadinessState.Ready:
                            return current;
                        case ReadinessState.Failed:
                            throw new CliException(
                                $"function {ns}/{name} failed to become ready: {last.Reason}: {last.Message}",
                                $"fix it and run `func deploy` again; `func describe {name} -n {ns}` shows its conditions and `func logs {name} -n {ns}` its output");
                    }

                    update($"waiting for {ns}/{name} to become ready: {last.Reason} {last.Message}");
                    await Task.Delay(PollInterval, _context.Time, linked.Token).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new CliException(
                $"function {ns}/{name} is not ready after {timeout.TotalSeconds:0} s: {last.Reason}: {last.Message}",
                $"it keeps deploying in the background: watch it with `func describe {name} -n {ns}`, or wait longer with --timeout");
        }
    }

    private sealed record DeployOptions(string Directory, IReadOnlyList<string> Env, bool NoWait, TimeSpan Timeout)
    {
        /// <summary><c>--tag</c>: a tag for the revision this deploy cuts.</summary>
        public string? Tag { get; init; }
    }
}
