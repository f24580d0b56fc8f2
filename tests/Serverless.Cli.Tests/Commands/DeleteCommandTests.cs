using static Serverless.Cli.Tests.Fakes.TestFunctions;

namespace Serverless.Cli.Tests.Commands;

public sealed class DeleteCommandTests : CommandTestBase
{
    [Fact]
    public async Task Delete_Existing_DeletesAndExits0()
    {
        Api.Seed(Function("hello"));

        var result = await Cli.RunAsync("delete", "hello");

        Assert.Equal(0, result.ExitCode);
        Assert.Null(Api.Stored("default", "hello"));
        Assert.Single(Api.Requests, r => r.Method == "DELETE" && r.Path == "/apis/serverless.dev/v1alpha1/namespaces/default/functions/hello");
        Assert.Contains("function default/hello deleted", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_Missing_NotFoundAndExits1()
    {
        var result = await Cli.RunAsync("delete", "ghost", "-n", "team");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: function ghost not found in namespace team", result.Error, StringComparison.Ordinal);
        Assert.Contains("func list", result.Error, StringComparison.Ordinal);
    }
}
