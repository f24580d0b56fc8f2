namespace Serverless.Platform.Composition;

/// <summary>
/// The settings of a process are invalid. The one path of every configuration error: each problem names the key (or
/// flag), the value and the allowed range; <c>Program</c> prints them one per line and exits 2.
/// </summary>
internal sealed class ConfigurationException(IReadOnlyList<string> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;

    /// <summary>Throws when <paramref name="problems"/> is not empty.</summary>
    public static void ThrowIfAny(IReadOnlyList<string> problems)
    {
        if (problems.Count > 0)
        {
            throw new ConfigurationException(problems);
        }
    }
}
