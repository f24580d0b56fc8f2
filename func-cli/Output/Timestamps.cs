namespace Serverless.Cli.Output;

internal static class Timestamps
{
    /// <summary>
    /// Kubernetes timestamps are UTC; a DateTime parsed without a zone (Kind Unspecified) is taken as
    /// UTC rather than local time, so ages do not shift with the machine's time zone.
    /// </summary>
    public static DateTime AsUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };
}
