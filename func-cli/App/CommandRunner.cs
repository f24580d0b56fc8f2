namespace Serverless.Cli.App;

/// <summary>Runs a command body and turns its outcome into an exit code and an error message.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(CliContext context, Func<Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            context.Console.Fail(ex.Message, ex.Details, ex.Hint);
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            context.Console.Note("interrupted");
            return ExitCodes.Interrupted;
        }
    }
}
