using System.Runtime.InteropServices;
using Serverless.Cli.Commands;

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
return await CliApp.RunAsync(args, CliContext.FromProcess(), interrupted.Token);
