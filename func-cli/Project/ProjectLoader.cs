using Serverless.Cli.App;
using Serverless.Core.Api;

namespace Serverless.Cli.Project;

/// <summary>Reads a function directory's func.yaml and applies the command line's overrides on top.</summary>
internal static class ProjectLoader
{
    /// <param name="envOverrides"><c>KEY=VALUE</c> pairs, already validated at parse time; they replace func.yaml's values of the same name.</param>
    /// <exception cref="CliException">Not a directory, or its func.yaml is missing or invalid.</exception>
    public static FunctionProject Load(string directory, IReadOnlyList<string> envOverrides)
    {
        if (!Directory.Exists(directory))
        {
            throw new CliException($"{directory} is not a directory", "pass the function's directory, e.g. `func deploy examples/hello-node`, or create one with `func create`");
        }

        var project = FuncYamlReader.ReadDirectory(directory);
        return envOverrides.Count == 0 ? project : project with { Env = Override(project.Env, envOverrides) };
    }

    public static IReadOnlyList<EnvVar> Override(IReadOnlyList<EnvVar> env, IReadOnlyList<string> assignments)
    {
        var result = env.Select(e => new EnvVar { Name = e.Name, Value = e.Value }).ToList();
        foreach (var text in assignments)
        {
            var assignment = EnvAssignment.TryParse(text, out var error) ?? throw new CliException("--env " + error, "write --env KEY=VALUE");
            var index = result.FindIndex(e => e.Name == assignment.Name);
            var entry = new EnvVar { Name = assignment.Name, Value = assignment.Value };
            if (index >= 0)
            {
                result[index] = entry;
            }
            else
            {
                result.Add(entry);
            }
        }

        return result;
    }
}
