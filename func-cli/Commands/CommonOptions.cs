using System.CommandLine;
using Serverless.Core.Naming;

namespace Serverless.Cli.Commands;

/// <summary>Options and arguments several commands share, validated at parse time so a bad value is a usage error (exit 2).</summary>
internal static class CommonOptions
{
    /// <summary>No default value here: <c>deploy</c> must tell "not given" from "default" to let func.yaml's namespace apply.</summary>
    public static Option<string?> Namespace()
    {
        var option = new Option<string?>("--namespace", "-n") { Description = "The function's namespace [default: default]" };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && !Names.IsDns1123Label(value))
            {
                result.AddError("--namespace " + Names.Dns1123LabelError(value));
            }
        });
        return option;
    }

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

    public static string NamespaceOrDefault(string? value) => value ?? Names.DefaultNamespace;
}
