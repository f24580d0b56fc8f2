using System.Text.Json;
using Serverless.TestSupport;

namespace Serverless.E2E.Tests;

/// <summary>
/// The README's native C# walk-through: the bundled C# example with <c>build: {native: true}</c> added to its func.yaml,
/// deployed with <c>func deploy</c> to the platform as started by <c>func up</c> (sandbox on), called through the
/// ingress; the instance is the compiled executable itself, in its sandbox, not <c>dotnet</c>.
/// </summary>
public sealed class NativeFunctionTests : IDisposable
{
    private readonly TempDirectory _home = new("serverless-e2e-native");
    private readonly TempDirectory _work = new("serverless-e2e-native-project");

    [Fact]
    public async Task DeployNative_ExampleServesFromItsOwnExecutableInTheSandbox()
    {
        var func = new FuncCli(_home.Path);
        var source = Path.Combine(_work.Path, "hello-native");
        Directory.CreateDirectory(source);
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Examples, "hello-dotnet")))
        {
            File.Copy(file, Path.Combine(source, Path.GetFileName(file)));
        }

        var yaml = Path.Combine(source, "func.yaml");
        File.WriteAllText(yaml, File.ReadAllText(yaml).Replace("name: hello-dotnet", "name: hello-native", StringComparison.Ordinal) + "build:\n  native: true\n");

        Step.Ok(await func.RunAsync("up", "--detach", "--ingress", "127.0.0.1:0", "--admin", "127.0.0.1:0"));
        try
        {
            Step.Ok(await func.RunAsync(TimeSpan.FromMinutes(6), "deploy", source));
            var invoke = Step.Ok(await func.RunAsync("invoke", "hello-native", "--path", "/?name=native"));
            Assert.Contains("Hello, native!", invoke.StdOut, StringComparison.Ordinal);

            // The function's processes (its K_SERVICE; the warm pool's generic C# instances run dotnet beside it): no
            // dotnet, and the compiled function itself ("serverless-function", cut to 15 characters) in a sandbox of
            // the platform's (bubblewrap → its init → the function).
            var withItsEnvironment = ProcessTree.WithEnvironment("K_SERVICE", "hello-native").Select(pid => (Pid: pid, Comm: Comm(pid))).ToList();
            Assert.DoesNotContain(withItsEnvironment, p => p.Comm == "dotnet");
            var instance = Assert.Single(withItsEnvironment, p => p.Comm == "serverless-func").Pid;
            using (var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(_home.Path, "platform.json"))))
            {
                var platform = state.RootElement.GetProperty("pid").GetInt32();
                Assert.Contains(
                    ProcessTree.Children(platform).Where(pid => Comm(pid) == "bwrap").SelectMany(ProcessTree.Children).SelectMany(ProcessTree.Children),
                    pid => pid == instance);
            }

            var logs = Step.Ok(await func.RunAsync("logs", "hello-native"));
            Assert.Contains("HelloDotnet::HelloDotnet.Handler::Handle loaded in", logs.StdOut, StringComparison.Ordinal);
        }
        finally
        {
            await func.RunAsync("down");
        }
    }

    private static string Comm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    public void Dispose()
    {
        _work.Dispose();
        _home.Dispose();
    }
}
