using Serverless.Runtime.Dotnet.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Integration;

/// <summary>
/// runtimes/dotnet/templates/{http,cloudevents} as <c>func create</c> would use them: copied out of the
/// repository (so no Directory.Build.props applies), <c>{{name}}</c> replaced, published as a user would.
/// </summary>
public sealed class TemplatesFixture : IAsyncLifetime
{
    public static readonly string[] Names = ["http", "cloudevents"];

    private readonly TempDirectory _temp = new("rt-templates");

    public static string TemplatesDirectory => Path.Combine(RepoPaths.Root, "runtimes", "dotnet", "templates");

    public string FunctionPath(string template) => Path.Combine(_temp.Path, template, "out");

    public string Handler(string template) => ReadKey(Path.Combine(_temp.Path, template, "src", "func.yaml"), "handler:");

    public string Name(string template) => ReadKey(Path.Combine(_temp.Path, template, "src", "func.yaml"), "name:");

    public async Task InitializeAsync()
    {
        foreach (var template in Names)
        {
            var source = Path.Combine(_temp.Path, template, "src");
            foreach (var file in Directory.EnumerateFiles(Path.Combine(TemplatesDirectory, template)))
            {
                Directory.CreateDirectory(source);
                var text = await File.ReadAllTextAsync(file);
                await File.WriteAllTextAsync(Path.Combine(source, Path.GetFileName(file)), text.Replace("{{name}}", "my-" + template, StringComparison.Ordinal));
            }

            await DotnetCli.PublishAsync(Path.Combine(source, "Function.csproj"), FunctionPath(template), Path.Combine(_temp.Path, template, "artifacts"));
        }
    }

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A top-level key of a func.yaml we wrote ourselves, unquoted.</summary>
    private static string ReadKey(string funcYaml, string key)
    {
        var line = File.ReadLines(funcYaml).Single(l => l.StartsWith(key, StringComparison.Ordinal));
        return line[key.Length..].Trim().Trim('"');
    }
}
