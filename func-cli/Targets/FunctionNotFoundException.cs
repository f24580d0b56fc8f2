using Serverless.Cli.App;

namespace Serverless.Cli.Targets;

/// <summary>The named function does not exist on the target; the message and the next step are the same everywhere.</summary>
internal sealed class FunctionNotFoundException : CliException
{
    public FunctionNotFoundException(string @namespace, string name, Exception? inner = null)
        : base($"function {name} not found in namespace {@namespace}", "see `func list -A` for the functions that exist", inner: inner)
    {
    }
}
