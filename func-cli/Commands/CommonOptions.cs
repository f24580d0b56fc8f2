using System.CommandLine;
using Serverless.Core.Naming;

namespace Serverless.Cli.Commands;

/// <summary>Options and arguments several commands share, validated at parse time so a bad value is a usage error (exit 2).</summary>
internal static class CommonOptions
{
    public static Argument<string> FunctionName()
    {
        var argument = new Argument<string>("name") { Description = "The function's name" };
        argument.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && !Names.IsDns1123Label(value))
            {
                result.AddError("name " + Names.Dns1123LabelError(value));
            }
        });
        return argument;
    }

    /// <summary>A whole number of seconds greater than zero; anything else is a usage error naming the option.</summary>
    public static Option<int> PositiveSeconds(string name, int fallback, string description) => new(name)
    {
        Description = description,
        HelpName = "seconds",
        DefaultValueFactory = _ => fallback,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
            {
                return seconds;
            }

            result.AddError($"{name} must be a positive number of seconds (got \"{Names.Printable(text)}\")");
            return fallback;
        },
    };

    /// <summary>An optional name-valued option (a broker, a trigger, a function) that must be a DNS-1123 label.</summary>
    public static Option<string?> Label(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && !Names.IsDns1123Label(value))
            {
                result.AddError(name + " " + Names.Dns1123LabelError(value));
            }
        });
        return option;
    }

    /// <summary>The function's directory argument, default the current one.</summary>
    public static Argument<string> ProjectDirectory()
    {
        var directory = new Argument<string>("dir") { Description = "The function's directory, holding func.yaml", DefaultValueFactory = _ => "." };
        directory.Validators.Add(result =>
        {
            // An unknown option would otherwise be taken for the directory and fail later as "not a directory".
            if (result.GetValueOrDefault<string>() is ['-', ..] value)
            {
                result.AddError($"unrecognized option {value}");
            }
        });
        return directory;
    }

    /// <summary><c>--env KEY=VALUE</c>, repeatable, overriding func.yaml's env for this run.</summary>
    public static Option<string[]> EnvOverrides()
    {
        var option = new Option<string[]>("--env", "-e")
        {
            Description = "Set an environment variable for this deploy, over func.yaml's (repeatable)",
            HelpName = "KEY=VALUE",
            AllowMultipleArgumentsPerToken = false,
        };
        option.Validators.Add(result =>
        {
            foreach (var text in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (Project.EnvAssignment.TryParse(text, out var error) is null)
                {
                    result.AddError("--env " + error);
                }
            }
        });
        return option;
    }
}
