using System.Text;
using Microsoft.AspNetCore.Http;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Commands;

public sealed class InvokeCommandTests : CommandTestBase
{
    [Fact]
    public async Task Invoke_NoData_GetsAndPrintsBodyUnchanged()
    {
        Api.Ingress = context => context.Response.WriteAsync("hello from " + context.Request.Path);

        var result = await Cli.RunAsync("invoke", "hello-node");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("hello from /default/hello-node/", Encoding.UTF8.GetString(result.Raw));
        Assert.Single(Api.Requests, r => r.Method == "GET" && r.Path == "/default/hello-node/");
    }

    [Fact]
    public async Task Invoke_DataPathNamespace_PostsToTheRoute()
    {
        Api.Ingress = async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Request.Body.CopyToAsync(context.Response.Body);
        };

        var result = await Cli.RunAsync("invoke", "echo", "-n", "team", "--data", "{\"n\":1}", "--path", "/sub/path?x=1");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("{\"n\":1}", Encoding.UTF8.GetString(result.Raw));
        var request = Assert.Single(Api.Requests);
        Assert.Equal(("POST", "/team/echo/sub/path?x=1", "application/json", "{\"n\":1}"), (request.Method, request.Path, request.ContentType, request.Body));
    }

    [Fact]
    public async Task Invoke_DataFromFile_SendsTheFileBytes()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "body.txt");
        await File.WriteAllTextAsync(file, "from a file");
        Api.Ingress = context => context.Request.Body.CopyToAsync(context.Response.Body);

        var result = await Cli.RunAsync("invoke", "echo", "--data", "@" + file, "--method", "PUT");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("from a file", Encoding.UTF8.GetString(result.Raw));
        Assert.Equal(("PUT", "text/plain; charset=utf-8"), (Api.Requests.Single().Method, Api.Requests.Single().ContentType));
    }

    [Fact]
    public async Task Invoke_Non2xx_PrintsBodyAndStatusAndExits1()
    {
        Api.Ingress = context =>
        {
            context.Response.StatusCode = 503;
            return context.Response.WriteAsync("queue full");
        };

        var result = await Cli.RunAsync("invoke", "busy");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("queue full", Encoding.UTF8.GetString(result.Raw));
        Assert.Contains("HTTP 503 Service Unavailable", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_MissingDataFile_Exits1()
    {
        var result = await Cli.RunAsync("invoke", "echo", "--data", "@/nonexistent/body.json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--data @/nonexistent/body.json: no such file", result.Error, StringComparison.Ordinal);
        Assert.Empty(Api.Requests);
    }
}
