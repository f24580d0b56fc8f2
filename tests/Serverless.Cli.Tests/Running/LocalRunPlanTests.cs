using Serverless.Cli.App;
using Serverless.Cli.Project;
using Serverless.Cli.Running;
using Serverless.Core.Api;

namespace Serverless.Cli.Tests.Running;

public sealed class LocalRunPlanTests
{
    [Theory]
    [InlineData(RuntimeNames.Node, null, "node", "/rt/node/index.js", "index.js:handle")]
    [InlineData(RuntimeNames.Python, null, "python3", "/rt/python/runtime.py", "main:handle")]
    [InlineData(RuntimeNames.Dotnet, "Function::Function.Handler::Handle", "dotnet", "/rt/dotnet/Serverless.Runtime.Dotnet.dll", "Function::Function.Handler::Handle")]
    public void Build_Runtime_CommandAndContractVariables(string runtime, string? handler, string executable, string entry, string expectedHandler)
    {
        var project = new FunctionProject { Name = "hello", Runtime = runtime, Handler = handler, Env = [new EnvVar { Name = "GREETING", Value = "hi" }] };

        var plan = LocalRunPlan.Build(project, "/rt", "/src/hello", 8123, 8124, _ => true);

        Assert.Equal((executable, entry), (plan.Executable, Assert.Single(plan.Arguments)));
        Assert.Equal("8123", plan.Environment["PORT"]);
        Assert.Equal("8124", plan.Environment["PLATFORM_PORT"]); // issue #16: func run waits on the runtime's own port
        Assert.Equal(("hello", "hello"), (plan.Environment["K_SERVICE"], plan.Environment["K_CONFIGURATION"]));
        Assert.Equal("/src/hello", plan.Environment["FUNCTION_PATH"]);
        Assert.Equal(expectedHandler, plan.Environment["HANDLER"]);
        Assert.Equal("hi", plan.Environment["GREETING"]);
        Assert.Equal(("0", "300"), (plan.Environment["CONTAINER_CONCURRENCY"], plan.Environment["FUNCTION_TIMEOUT"]));
    }

    [Fact]
    public void Build_NativeDotnet_RunsTheArtifactsExecutableWithTheSameContract()
    {
        var project = new FunctionProject { Name = "hello", Runtime = RuntimeNames.Dotnet, Handler = "F::F.H::Handle", Native = true };

        // The runtimes directory is not consulted: the artifact is the runtime and the function in one executable.
        var plan = LocalRunPlan.Build(project, "/rt", "/build/out", 8123, 8124, _ => false);

        Assert.Equal("/build/out/serverless-function", plan.Executable);
        Assert.Empty(plan.Arguments);
        Assert.Equal(("/build/out", "F::F.H::Handle", "8124"), (plan.Environment["FUNCTION_PATH"], plan.Environment["HANDLER"], plan.Environment["PLATFORM_PORT"]));
    }

    [Fact]
    public void Build_RuntimeMissing_SaysHowToBuildIt()
    {
        var project = new FunctionProject { Name = "hello", Runtime = RuntimeNames.Node };

        var error = Assert.Throws<CliException>(() => LocalRunPlan.Build(project, "/rt", "/src", 1, 2, _ => false));

        Assert.Contains("the node runtime is not installed", error.Message, StringComparison.Ordinal);
        Assert.Contains("scripts/build", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_DotnetWithoutHandler_AsksForOne()
    {
        var project = new FunctionProject { Name = "hello", Runtime = RuntimeNames.Dotnet };

        var error = Assert.Throws<CliException>(() => LocalRunPlan.Build(project, "/rt", "/src", 1, 2, _ => true));

        Assert.Contains("handler:", error.Hint, StringComparison.Ordinal);
    }
}
