using System.CommandLine;
using Serverless.Cli.App;
using Serverless.Cli.Platform;
using Serverless.Core.Wire;

namespace Serverless.Cli.Commands;

/// <summary>
/// <c>func kubeconfig</c>: prints a kubeconfig for the running local platform's admin API (its URL, its CA, the admin
/// token), so kubectl and other Kubernetes clients drive it: <c>func kubeconfig &gt; f &amp;&amp; kubectl --kubeconfig f get fn</c>.
/// </summary>
internal sealed class KubeconfigCommand
{
    private readonly CliContext _context;

    private KubeconfigCommand(CliContext context)
    {
        _context = context;
    }

    public static Command Create(CliContext context)
    {
        var command = new Command("kubeconfig", "Print a kubeconfig for the local platform's admin API (it holds the admin token)");
        command.SetAction((_, cancellationToken) => CommandRunner.RunAsync(context, () => new KubeconfigCommand(context).RunAsync(), cancellationToken));
        return command;
    }

    private Task<int> RunAsync()
    {
        var read = PlatformStateFile.Read(_context.Home);
        if (read.State is not { } state)
        {
            throw new PlatformNotRunningException(read.Problem);
        }

        if (_context.AdminToken is not { } token)
        {
            throw new CliException(
                $"there is no admin token to put in the kubeconfig: {_context.AdminTokenSource} is missing or empty",
                $"set ${AdminTokenFile.Variable} to the token the platform was started with");
        }

        string? caPem = null;
        if (state.AdminUri.Scheme == Uri.UriSchemeHttps && (caPem = AdminTls.ReadCaPem(_context.Home)) is null)
        {
            throw new CliException(
                $"the admin API serves HTTPS but its CA {AdminTls.CaCertificatePath(_context.Home)} cannot be read",
                "restart the platform (func down, func up): it generates the CA at start");
        }

        _context.Console.Out.Write(Kubeconfig.Render(state.AdminUrl, caPem, token));
        return Task.FromResult(ExitCodes.Ok);
    }
}
