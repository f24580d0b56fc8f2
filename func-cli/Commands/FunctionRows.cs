using Serverless.Core.Api;

namespace Serverless.Cli.Commands;

/// <summary>How list and describe show a Function's status fields.</summary>
internal static class FunctionRows
{
    public static string ReadyStatus(Function function) =>
        function.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready)?.Status ?? ConditionStatus.Unknown;

    /// <summary>kubectl's READY column: ready instances over running ones.</summary>
    public static string Replicas(Function function) =>
        $"{function.Status?.ReadyReplicas ?? 0}/{function.Status?.Replicas ?? 0}";

    public static Spectre.Console.Color? ConditionColour(string status) => status switch
    {
        ConditionStatus.True => Spectre.Console.Color.Green,
        ConditionStatus.False => Spectre.Console.Color.Red,
        _ => Spectre.Console.Color.Yellow,
    };
}
