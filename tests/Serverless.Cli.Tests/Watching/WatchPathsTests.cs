using Serverless.Cli.Watching;

namespace Serverless.Cli.Tests.Watching;

public sealed class WatchPathsTests
{
    [Theory]
    [InlineData("index.js", true)]
    [InlineData("src/handler.py", true)]
    [InlineData("Handler.cs", true)]
    [InlineData("func.yaml", true)]
    [InlineData("bin/Release/net10.0/Function.dll", false)]
    [InlineData("obj/project.assets.json", false)]
    [InlineData("obj", false)]
    [InlineData("node_modules/dep/index.js", false)]
    [InlineData("__pycache__/main.cpython-311.pyc", false)]
    [InlineData(".git/index", false)]
    [InlineData(".index.js.swp", false)]
    [InlineData("index.js~", false)]
    [InlineData(".#main.py", false)]
    [InlineData("#main.py#", false)]
    [InlineData("4913", false)]
    [InlineData("", false)]
    public void IsRelevant_Path_Expected(string path, bool expected) => Assert.Equal(expected, WatchPaths.IsRelevant(path));
}
