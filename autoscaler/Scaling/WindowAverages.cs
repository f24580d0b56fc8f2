namespace Serverless.Autoscaler.Scaling;

/// <summary>A function's metric averaged over the stable and the panic window at one instant.</summary>
/// <param name="Stable">Average over the stable window (60 s by default).</param>
/// <param name="Panic">Average over the panic window (6 s by default).</param>
/// <param name="HasData">False until the first sample: the scaler then holds the current count, for one panic window, rather than read 0 as idle.</param>
internal readonly record struct WindowAverages(double Stable, double Panic, bool HasData)
{
    public static WindowAverages NoData => default;

    /// <summary>Known to be zero: no request for as long as anyone has been watching.</summary>
    public static WindowAverages Idle => new(0, 0, HasData: true);
}
