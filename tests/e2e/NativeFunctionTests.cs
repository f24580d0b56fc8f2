using System.Net;
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
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task DeployNative_ExampleServesFromItsOwnExecutableInTheSandbox()
    {
        var func = new FuncCli(_home.Path);
        var source = Path.Combine(_home.Path, "hello-native");
        Directory.CreateDirectory(source);
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Examples, "hello-dotnet")))
        {
            File.Copy(file, Path.Combine(source, Path.GetFileName(file)));
        }

        var yaml = Path.Combine(source, "func.yaml");
        File.WriteAllText(yaml, File.ReadAllText(yaml).Replace("name: hello-dotnet", "name: hello-native", StringComparison.Ordinal) + "build:\n  native: true\n");

        var up = await func.RunAsync("up", "--detach", "--ingress", "127.0.0.1:0", "--admin", "127.0.0.1:0");
        Assert.True(up.ExitCode == 0, up.ToString());
        var platformPid = ReadPid();

        var deploy = await func.RunAsync(TimeSpan.FromMinutes(6), "deploy", source);
        Assert.True(deploy.ExitCode == 0, deploy.ToString());
        Assert.Contains("artifact", deploy.StdOut + deploy.StdErr, StringComparison.Ordinal);
        var url = deploy.StdOut.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith("http://", StringComparison.Ordinal));

        using (var response = await _http.GetAsync(url + "?name=native"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Hello, native!", await response.Content.ReadAsStringAsync());
        }

        // The function's process (its K_SERVICE; the warm pool's generic C# instances run dotnet beside it): the compiled
        // function itself ("serverless-function", cut to 15 characters), in a sandbox of the platform's.
        var withItsEnvironment = ProcessTree.WithEnvironment("K_SERVICE", "hello-native").Select(pid => (Pid: pid, Comm: Comm(pid))).ToList();
        Assert.DoesNotContain(withItsEnvironment, p => p.Comm == "dotnet");
        var instance = Assert.Single(withItsEnvironment, p => p.Comm == "serverless-func").Pid;
        Assert.Contains(
            ProcessTree.Children(platformPid).Where(pid => Comm(pid) == "bwrap").SelectMany(ProcessTree.Children).SelectMany(ProcessTree.Children),
            pid => pid == instance);

        var logs = await func.RunAsync("logs", "hello-native");
        Assert.True(logs.ExitCode == 0, logs.ToString());
        Assert.Contains("HelloDotnet::HelloDotnet.Handler::Handle loaded in", logs.StdOut, StringComparison.Ordinal);

        var down = await func.RunAsync("down");
        Assert.True(down.ExitCode == 0, down.ToString());
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

    private int ReadPid()
    {
        using var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(_home.Path, "platform.json")));
        return state.RootElement.GetProperty("pid").GetInt32();
    }

    public void Dispose()
    {
        _http.Dispose();
        var statePath = Path.Combine(_home.Path, "platform.json");
        if (File.Exists(statePath))
        {
            try
            {
                using var state = JsonDocument.Parse(File.ReadAllText(statePath));
                Signals.Send(state.RootElement.GetProperty("pid").GetInt32(), Signals.SigKill);
            }
            catch (JsonException)
            {
            }
        }

        _home.Dispose();
    }
}
