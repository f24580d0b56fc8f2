using Serverless.TestSupport;

namespace Serverless.E2E.Tests;

/// <summary>
/// Issue #17's walk-through as the README shows it, with the real `func` only: deploy v1, deploy v2 with a tag,
/// list the revisions, roll back to v1 by name, a 90/10 canary, promote to the latest.
/// </summary>
public sealed class CanaryWalkthroughTests : IDisposable
{
    private readonly TempDirectory _home = new("serverless-e2e-canary");
    private readonly TempDirectory _work = new("serverless-e2e-canary-project");

    [Fact]
    public async Task DeployV2TaggedRollbackCanaryPromote_EveryStepAnswersFromTheRightRevision()
    {
        var func = new FuncCli(_home.Path);
        var dir = Path.Combine(_work.Path, "greeter");
        try
        {
            Step.Ok(await func.RunAsync("up", "--detach", "--ingress", "127.0.0.1:0", "--admin", "127.0.0.1:0"));
            Step.Ok(await func.RunAsync("create", "-l", "python", dir));
            Step.Ok(await func.RunAsync("deploy", dir));
            Assert.Contains("Hello, e2e!", Step.Ok(await func.RunAsync("invoke", "greeter", "--path", "/?name=e2e")).StdOut, StringComparison.Ordinal);

            var main = Path.Combine(dir, "main.py");
            await File.WriteAllTextAsync(main, (await File.ReadAllTextAsync(main)).Replace("Hello, ", "Bonjour, ", StringComparison.Ordinal));
            var deploy = Step.Ok(await func.RunAsync("deploy", dir, "--tag", "v2"));
            Assert.Contains("revision greeter-00002 tagged v2", deploy.StdOut + deploy.StdErr, StringComparison.Ordinal);
            await InvokeUntilAsync(func, "Bonjour, e2e!");

            var revisions = Step.Ok(await func.RunAsync("revisions", "greeter")).StdOut;
            Assert.Contains("greeter-00001", revisions, StringComparison.Ordinal);
            Assert.Matches(@"greeter-00002 \(latest ready\)\s+True\s+100%\s+v2", revisions);

            Step.Ok(await func.RunAsync("traffic", "greeter", "set", "greeter-00001=100"));
            await InvokeUntilAsync(func, "Hello, e2e!");

            // The canary: 10% to v2; once v2 answers, any 50 requests in a row hold exactly 5 of its answers.
            Step.Ok(await func.RunAsync("traffic", "greeter", "set", "greeter-00001=90", "greeter-00002=10"));
            await InvokeUntilAsync(func, "Bonjour, e2e!");
            var canary = 0;
            for (var i = 0; i < 50; i++)
            {
                canary += Step.Ok(await func.RunAsync("invoke", "greeter", "--path", "/?name=e2e")).StdOut.Contains("Bonjour", StringComparison.Ordinal) ? 1 : 0;
            }

            Assert.InRange(canary, 4, 6);

            // Promote: all to the latest.
            Step.Ok(await func.RunAsync("traffic", "greeter", "latest"));
            await InvokeUntilAsync(func, "Bonjour, e2e!");
        }
        finally
        {
            await func.RunAsync("down");
        }
    }

    /// <summary>A traffic change rolls the instances: the answer changes within a bounded time.</summary>
    private static async Task InvokeUntilAsync(FuncCli func, string expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            last = Step.Ok(await func.RunAsync("invoke", "greeter", "--path", "/?name=e2e")).StdOut;
            if (last.Contains(expected, StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"still answered \"{last}\", not \"{expected}\"");
    }

    public void Dispose()
    {
        _work.Dispose();
        _home.Dispose();
    }
}
