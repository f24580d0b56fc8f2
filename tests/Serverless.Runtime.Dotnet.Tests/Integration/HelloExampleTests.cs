using System.Net;
using Serverless.Runtime.Dotnet.Tests.Support;

namespace Serverless.Runtime.Dotnet.Tests.Integration;

public sealed class HelloExampleTests(HelloExampleFixture example) : IClassFixture<HelloExampleFixture>
{
    [Fact]
    public void FuncYaml_Handler_IsTheDocumentedEntryPoint()
    {
        Assert.Equal("HelloDotnet::HelloDotnet.Handler::Handle", example.Handler);
    }

    [Theory]
    [InlineData("", "Hello, world!")]
    [InlineData("?name=Ada", "Hello, Ada!")]
    [InlineData("any/path?name=Grace%20Hopper", "Hello, Grace Hopper!")]
    public async Task Invoke_PublishedExample_Greets(string pathAndQuery, string expected)
    {
        await using var runtime = await RuntimeProcess.StartReadyAsync(example.Handler, example.FunctionPath);

        using var response = await runtime.Client.GetAsync(pathAndQuery);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }
}
