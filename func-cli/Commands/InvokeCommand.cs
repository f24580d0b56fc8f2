using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using Serverless.Cli.Platform;

namespace Serverless.Cli.Commands;

/// <summary><c>func invoke</c>: one HTTP request to a function through the platform's ingress; the body goes to stdout unchanged.</summary>
internal sealed class InvokeCommand
{
    private readonly CliContext context;

    private InvokeCommand(CliContext context)
    {
        this.context = context;
    }

    public static Command Create(CliContext context)
    {
        var name = CommonOptions.FunctionName();
        var ns = CommonOptions.Namespace();
        var data = new Option<string?>("--data", "-d") { Description = "The request body: text, or @file to send a file's bytes (makes the default method POST)" };
        var contentType = new Option<string?>("--content-type") { Description = "The body's Content-Type [default: guessed: application/json for JSON, text/plain otherwise]" };
        var path = new Option<string?>("--path") { Description = "The path (and query) under the function, e.g. /items?id=3 [default: /]" };
        var method = new Option<string?>("--method", "-X") { Description = "The HTTP method [default: GET, or POST with --data]" };
        var timeout = CommonOptions.PositiveSeconds("--timeout", 300, "Seconds to wait for the response (a cold start included)");
        var command = new Command("invoke", "Send a request to a function and print its response") { name, ns, data, contentType, path, method, timeout };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            context,
            () => new InvokeCommand(context).RunAsync(
                parse.GetRequiredValue(name),
                CommonOptions.NamespaceOrDefault(parse.GetValue(ns)),
                parse.GetValue(data),
                parse.GetValue(contentType),
                parse.GetValue(path),
                parse.GetValue(method),
                TimeSpan.FromSeconds(parse.GetValue(timeout)),
                cancellationToken),
            cancellationToken));
        return command;
    }

    private async Task<int> RunAsync(
        string name, string ns, string? data, string? contentType, string? path, string? method, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (text, file) = InvokeRequest.ParseData(data);
        byte[]? body = text is not null ? Encoding.UTF8.GetBytes(text) : null;
        if (file is not null)
        {
            if (!File.Exists(file))
            {
                throw new CliException($"--data @{file}: no such file", "give a path relative to the current directory, or inline text without @");
            }

            body = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
        }

        var request = InvokeRequest.Build(ns, name, path, method, body, file, contentType);
        var state = new PlatformProbe(context).RequireRunning();
        using var http = context.CreateHttpClient(state.IngressUri, timeout);
        using var message = new HttpRequestMessage(request.Method, request.RelativeUri);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType!);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new PlatformNotRunningException($"the ingress at {state.IngressUrl} refused the connection", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"{name} did not answer within {timeout.TotalSeconds:0} s", "raise --timeout, or check the function with `func describe " + name + "`", inner: ex);
        }

        using (response)
        {
            await using var content = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await content.CopyToAsync(context.Console.RawOut, cancellationToken).ConfigureAwait(false);
            await context.Console.RawOut.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return ExitCodes.Ok;
            }

            context.Console.Note($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            return ExitCodes.Failure;
        }
    }
}
