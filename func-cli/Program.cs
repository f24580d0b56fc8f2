using System.Runtime.InteropServices;
using Serverless.Cli.App;
using Serverless.Cli.Commands;
using Serverless.Cli.Output;
using Serverless.Cli.Platform;
using Serverless.Cli.Targets;
using Serverless.Core.Wire;

using var interrupted = new CancellationTokenSource();

// The first Ctrl+C (or SIGTERM) cancels the running command so it can print where things stand;
// a second one is left to the runtime's default, which ends the process.
void Cancel(PosixSignalContext signal)
{
    if (!interrupted.IsCancellationRequested)
    {
        signal.Cancel = true;
        interrupted.Cancel();
    }
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);

// The composition root: the real console, environment, network and targets.
Func<string, string?> environment = Environment.GetEnvironmentVariable;
var home = HomeDirectory.Resolve(environment);
var context = new CliContext
{
    Home = home,
    Console = CliConsole.ForProcess(environment),
    // The local admin API serves HTTPS with a certificate of the platform's own CA, trusted next to the system's.
    HttpHandler = new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(5),
        SslOptions = { RemoteCertificateValidationCallback = AdminTls.TrustingCaIn(home) },
    },
    Environment = environment,
};
return await CliApp.RunAsync(args, context, FunctionTargets.ForProcess(environment), interrupted.Token);
