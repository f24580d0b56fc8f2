using System.CommandLine;
using Serverless.Cli.Admin;
using Serverless.Cli.Build;
using Serverless.Cli.Project;
using Serverless.Core.Api;

namespace Serverless.Cli.Commands;

/// <summary>
/// <c>func deploy</c>: builds the function in a directory, installs the artifact under the home by
/// content digest, creates or replaces its Function and waits until that generation is Ready.
/// </summary>
internal sealed class DeployCommand
{
    private const int MaxReplaceAttempts = 5;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly CliContext context;

    private DeployCommand(CliContext context)
    {
        this.context = context;
    }

    public static Command Create(CliContext context)
    {
        var directory = new Argument<string>("dir") { Description = "The function's directory, holding func.yaml", DefaultValueFactory = _ => "." };
        directory.Validators.Add(result =>
        {
            // An unknown option would otherwise be taken for the directory and fail later as "not a directory".
            if (result.GetValueOrDefault<string>() is ['-', ..] value)
            {
                result.AddError($"unrecognized option {value}");
            }
        });
        var ns = CommonOptions.Namespace();
        ns.Description = "The namespace [default: func.yaml's namespace, else default]";
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the Function is stored, without waiting for it to be ready" };
        var timeout = CommonOptions.PositiveSeconds("--timeout", 120, "Seconds to wait for the function to become ready");
        var command = new Command("deploy", "Build a function and deploy it to the local platform") { directory, ns, noWait, timeout };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            context,
            () => new DeployCommand(context).RunAsync(
                parse.GetRequiredValue(directory),
                parse.GetValue(ns),
                parse.GetValue(noWait),
                TimeSpan.FromSeconds(parse.GetValue(timeout)),
                cancellationToken),
            cancellationToken));
        return command;
    }

    private async Task<int> RunAsync(string dir, string? namespaceFlag, bool noWait, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(dir);
        if (!Directory.Exists(directory))
        {
            throw new CliException($"{directory} is not a directory", "pass the function's directory, e.g. `func deploy examples/hello-node`");
        }

        var project = FuncYamlReader.ReadDirectory(directory);
        var ns = namespaceFlag ?? project.Namespace ?? CommonOptions.NamespaceOrDefault(null);

        // Before building, so a stopped platform is reported in a second, not after a publish.
        using var session = AdminSession.Open(context);

        using var artifact = await context.Console.WithStatusAsync(
            $"building {project.Name} ({project.Runtime})…",
            _ => new ArtifactBuilder(context.Environment).PrepareAsync(project, directory, cancellationToken)).ConfigureAwait(false);
        var (path, copied) = new ArtifactStore(context.Home).Install(ns, project.Name, artifact.Digest, artifact.Entries);
        context.Console.Note(copied
            ? $"artifact {artifact.Digest[..ArtifactStore.DigestPrefixLength]}: {artifact.Entries.Count} files installed in {path}"
            : $"artifact {artifact.Digest[..ArtifactStore.DigestPrefixLength]} unchanged");

        var stored = await ApplyAsync(session.Client, FunctionManifest.Build(project, ns, path), cancellationToken).ConfigureAwait(false);
        if (noWait)
        {
            context.Console.Success($"function {ns}/{project.Name} submitted (generation {stored.Metadata.Generation})");
            return ExitCodes.Ok;
        }

        var ready = await WaitReadyAsync(session.Client, stored, timeout, cancellationToken).ConfigureAwait(false);
        context.Console.Success($"function {ns}/{project.Name} is ready");
        if (ready.Status?.Url is { Length: > 0 } url)
        {
            context.Console.Line(url);
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Creates the Function, or replaces the spec of the existing one, keeping its metadata (labels,
    /// annotations) and using its resourceVersion so a concurrent writer is never overwritten blindly.
    /// </summary>
    private static async Task<Function> ApplyAsync(AdminClient client, Function desired, CancellationToken cancellationToken)
    {
        if (await client.CreateIfAbsentAsync(desired, cancellationToken).ConfigureAwait(false) is { } created)
        {
            return created;
        }

        for (var attempt = 1; ; attempt++)
        {
            var current = await client.GetAsync(desired.Metadata.NamespaceProperty, desired.Metadata.Name, cancellationToken).ConfigureAwait(false);
            current.Spec = desired.Spec;
            current.Status = null;
            try
            {
                return await client.ReplaceAsync(current, cancellationToken).ConfigureAwait(false);
            }
            catch (AdminApiException ex) when (ex.Reason == StatusReasons.Conflict && attempt < MaxReplaceAttempts)
            {
                // Another writer changed it between our GET and PUT: read the new version and apply again.
            }
        }
    }

    private async Task<Function> WaitReadyAsync(AdminClient client, Function stored, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var generation = stored.Metadata.Generation ?? 1;
        var ns = stored.Metadata.NamespaceProperty;
        var name = stored.Metadata.Name;
        using var deadline = new CancellationTokenSource(timeout, context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var last = FunctionReadiness.Evaluate(stored, generation);
        try
        {
            return await context.Console.WithStatusAsync($"waiting for {ns}/{name} to become ready…", async update =>
            {
                while (true)
                {
                    var current = await client.GetAsync(ns, name, linked.Token).ConfigureAwait(false);
                    last = FunctionReadiness.Evaluate(current, generation);
                    switch (last.State)
                    {
                        case ReadinessState.Ready:
                            return current;
                        case ReadinessState.Failed:
                            throw new CliException(
                                $"function {ns}/{name} failed to become ready: {last.Reason}: {last.Message}",
                                $"fix it and run `func deploy` again; `func describe {name} -n {ns}` shows its conditions");
                    }

                    update($"waiting for {ns}/{name} to become ready: {last.Reason} {last.Message}");
                    await Task.Delay(PollInterval, context.Time, linked.Token).ConfigureAwait(false);
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
}
