namespace Serverless.Bench.Autoscaler;

/// <summary>A synthetic load: concurrent requests wanted at each second, the same for the same seed.</summary>
internal sealed class Trace
{
    private readonly double[] _load;

    private Trace(string name, double[] load)
    {
        Name = name;
        _load = load;
    }

    public string Name { get; }

    public int Seconds => _load.Length;

    public double Load(int second) => _load[second];

    /// <summary>
    /// The four shapes, each with ±5% seeded noise: a ramp up to 20 instances' worth and back, a flat load with two
    /// short spikes, a sine, and on/off bursts (60 s on, 240 s off: long enough to reach zero between bursts).
    /// </summary>
    public static IReadOnlyList<Trace> All(int seconds, int seed) =>
    [
        Make("ramp", seconds, seed, t => 1400 * (1 - Math.Abs(2.0 * t / seconds - 1))),
        Make("spike", seconds, seed + 1, t =>
            t >= seconds / 3 && t < seconds / 3 + 30 ? 2000
            : t >= 2 * seconds / 3 && t < 2 * seconds / 3 + 10 ? 1500
            : 100),
        Make("sine", seconds, seed + 2, t => 500 + 400 * Math.Sin(2 * Math.PI * t / (seconds / 3.0))),
        Make("onoff", seconds, seed + 3, t => t % 300 < 60 ? 300 : 0),
    ];

    private static Trace Make(string name, int seconds, int seed, Func<int, double> shape)
    {
        var random = new Random(seed);
        var load = new double[seconds];
        for (var t = 0; t < seconds; t++)
        {
            var noise = 1 + 0.05 * (2 * random.NextDouble() - 1);
            load[t] = Math.Max(0, shape(t) * noise);
        }

        return new Trace(name, load);
    }
}
