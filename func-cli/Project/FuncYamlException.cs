using Serverless.Cli.App;

namespace Serverless.Cli.Project;

/// <summary>A func.yaml that is missing or wrong; every problem found is listed, each with its line.</summary>
internal sealed class FuncYamlException : CliException
{
    public FuncYamlException(string message, IReadOnlyList<string> errors, string? hint = null)
        : base(message, hint, errors)
    {
        Errors = errors;
    }

    public IReadOnlyList<string> Errors { get; }
}
