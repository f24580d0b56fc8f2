using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using Serverless.Cli.App;
using Serverless.Cli.Platform;
using Serverless.Cli.Project;
using Serverless.Cli.Targets;
using Serverless.Core.Naming;

namespace Serverless.Cli.Commands;

/// <summary>
/// <c>func invoke</c>: one request to a function through the target's ingress, as plain HTTP or as a
/// CloudEvent; or, with <c>--broker</c>, one CloudEvent posted to a broker. The response body goes to stdout unchanged.
/// </summary>
internal sealed class InvokeCommand
{
    private const string DefaultType = "dev.serverless.invoke";
    private const string DefaultSource = "/func/invoke";

    private readonly CliContext _context;

    private InvokeCommand(CliContext context)
    {
        _context = context;
    }

    public static Command Create(CliContext context, GlobalOptions global, FunctionTargets targets)
    {
        var name = new Argument<string?>("name") { Description = "The function's name [default: func.yaml's in the current directory]", Arity = ArgumentArity.ZeroOrOne };
        name.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && !Names.IsDns1123Label(value))
            {
                result.AddError("name " + Names.Dns1123LabelError(value));
            }
        });
        var data = new Option<string?>("--data", "-d") { Description = "The request body: text, or @file to send a file's bytes (makes the default method POST)" };
        var contentType = new Option<string?>("--content-type") { Description = "The body's Content-Type [default: guessed: application/json for JSON, text/plain otherwise]" };
        var path = new Option<string?>("--path") { Description = "The path (and query) under the function, e.g. /items?id=3 [default: /]" };
        var method = new Option<string?>("--method", "-X") { Description = "The HTTP method [default: GET, or POST with --data]" };
        var format = new Option<string>("--format", "-f") { Description = "Send a plain HTTP request or a CloudEvent (binary mode)", DefaultValueFactory = _ => "http", HelpName = "http|cloudevent" };
        format.AcceptOnlyFromAmong("http", "cloudevent");
        var type = new Option<string?>("--type") { Description = $"The CloudEvent's type (implies --format cloudevent) [default: {DefaultType}]" };
        var source = new Option<string?>("--source") { Description = $"The CloudEvent's source (implies --format cloudevent) [default: {DefaultSource}]" };
        var broker = CommonOptions.Label("--broker", "Post the CloudEvent to this broker's ingress instead of calling a function");
        var timeout = CommonOptions.PositiveSeconds("--timeout", 300, "Seconds to wait for the response (a cold start included)");
        var command = new Command("invoke", "Send a request or a CloudEvent to a function (or an event to a broker) and print the response")
        {
            name, data, contentType, path, method, format, type, source, broker, timeout,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(broker) is not null && result.GetValue(name) is not null)
            {
                result.AddError("give a function name or --broker, not both");
            }

            if (result.GetValue(broker) is not null && (result.GetValue(path) is not null || result.GetValue(method) is not null))
            {
                result.AddError("--path and --method do not apply to --broker: a broker takes a POSTed event");
            }
        });
        command.SetAction((parse, cancellationToken) =>
        {
            var selection = global.Selection(parse);
            var options = new InvokeOptions(
                parse.GetValue(name),
                parse.GetValue(data),
                parse.GetValue(contentType),
                parse.GetValue(path),
                parse.GetValue(method),
                parse.GetValue(format) == "cloudevent" || parse.GetValue(type) is not null || parse.GetValue(source) is not null || parse.GetValue(broker) is not null,
                parse.GetValue(type) ?? DefaultType,
                parse.GetValue(source) ?? DefaultSource,
                parse.GetValue(broker),
                TimeSpan.FromSeconds(parse.GetValue(timeout)));
            return targets.RunAsync(context, selection, target => new InvokeCommand(context).RunAsync(target, selection, options, cancellationToken), cancellationToken);
        });
        return command;
    }

    private async Task<int> RunAsync(IFunctionTarget target, TargetSelection selection, InvokeOptions options, CancellationToken cancellationToken)
    {
        var (text, file) = InvokeRequest.ParseData(options.Data);
        byte[]? body = text is not null ? Encoding.UTF8.GetBytes(text) : null;
        if (file is not null)
        {
            if (!File.Exists(file))
            {
                throw new CliException($"--data @{file}: no such file", "give a path relative to the current directory, or inline text without @");
            }

            body = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
        }

        string? projectNamespace = null;
        var name = options.Name;
        if (name is null && options.Broker is null)
        {
            // `func invoke` in a function's directory calls that function, as `func deploy` there deployed it.
            var project = FuncYamlReader.ReadDirectory(Directory.GetCurrentDirectory());
            (name, projectNamespace) = (project.Name, project.Namespace);
        }

        var ns = GlobalOptions.ResolveNamespace(selection, projectNamespace, target.DefaultNamespace);
        var request = InvokeRequest.Build(ns, name ?? options.Broker!, options.Path, options.Method, body, file, options.ContentType);
        if (options.CloudEvent)
        {
            request = request.AsCloudEvent(Guid.NewGuid().ToString(), options.Type, options.Source);
        }

        var url = options.Broker is { } broker
            ? await target.GetBrokerUrlAsync(ns, broker, cancellationToken).ConfigureAwait(false)
            : new Uri(await target.GetFunctionUrlAsync(ns, name!, cancellationToken).ConfigureAwait(false), request.FunctionPath);
        return await SendAsync(request, url, name ?? "broker " + options.Broker, options.Timeout, cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> SendAsync(InvokeRequest request, Uri url, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = _context.CreateHttpClient(new Uri(url.GetLeftPart(UriPartial.Authority)), timeout);
        using var message = new HttpRequestMessage(request.Method, url);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.ContentType is not null)
            {
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType);
            }
        }

        foreach (var (header, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(header, value);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.NameResolutionError)
        {
            // A Kubernetes Function's URL is http://{function}.{namespace}.{domain}: routable only once a wildcard DNS
            // record for the domain points at the activator, which a fresh cluster does not have.
            throw new CliException(
                $"cannot resolve {url.Host}, the host of {what}'s URL",
                "point a wildcard DNS record for the platform's domain at the activator, or call it through a port-forward: "
                + $"`kubectl port-forward -n serverless-system svc/activator 8080:80`, then `curl -H 'Host: {url.Host}' http://127.0.0.1:8080{url.PathAndQuery}`",
                inner: ex);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new PlatformNotRunningException($"the ingress at {url.GetLeftPart(UriPartial.Authority)} refused the connection", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"{what} did not answer within {timeout.TotalSeconds:0} s", "raise --timeout, or check the function with `func describe`", inner: ex);
        }

        using (response)
        {
            await using var content = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await content.CopyToAsync(_context.Console.RawOut, cancellationToken).ConfigureAwait(false);
            await _context.Console.RawOut.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                if (response.StatusCode == System.Net.HttpStatusCode.Accepted && request.Headers.Count > 0)
                {
                    _context.Console.Note("HTTP 202 Accepted: the event was stored and will be delivered");
                }

                return ExitCodes.Ok;
            }

            _context.Console.Note($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            return ExitCodes.Failure;
        }
    }

    private sealed record InvokeOptions(
        string? Name,
        string? Data,
        string? ContentType,
        string? Path,
        string? Method,
        bool CloudEvent,
        string Type,
        string Source,
        string? Broker,
        TimeSpan Timeout);
}
