using Serverless.Activator.LoadBalancing;
using Serverless.Core.Contracts;

namespace Serverless.Activator.Tests.LoadBalancing;

public sealed class InstanceBalancerTests
{
    private static readonly DateTimeOffset Now = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Slots as "inFlight/capacity", capacity 0 unlimited, suffix "e" for ejected. A fresh balancer starts
    /// its scan at index 1, so ties go to the first tied slot at or after index 1 (wrapping).
    /// </summary>
    [Theory]
    [InlineData("least in flight wins", "3/0,1/0,2/0", null, 1)]
    [InlineData("least in flight wins before the scan start", "0/0,1/0,2/0", null, 0)]
    [InlineData("tie goes to the scan start", "1/0,1/0,1/0", null, 1)]
    [InlineData("full instance skipped", "1/1,1/2,5/0", null, 1)]
    [InlineData("all full", "1/1,2/2", null, -1)]
    [InlineData("exactly at limit is full", "4/4", null, -1)]
    [InlineData("unlimited never full", "1000/0", null, 0)]
    [InlineData("ejected skipped", "0/0e,3/0", null, 1)]
    [InlineData("ejected skipped though healthy one is full", "0/0e,1/1", null, -1)]
    [InlineData("all ejected: ejection ignored", "2/0e,1/0e", null, 1)]
    [InlineData("avoided skipped", "0/0,1/0", "i0", 1)]
    [InlineData("avoided taken when alone with room", "0/0,1/1", "i0", 0)]
    [InlineData("no instances", "", null, -1)]
    public void Pick_Table_ChoosesExpected(string label, string slots, string? avoid, int expected)
    {
        var list = Slots(slots);
        var picked = new InstanceBalancer().Pick(list, Now, avoid);

        Assert.True(expected == (picked is null ? -1 : list.IndexOf(picked)), label);
    }

    [Fact]
    public void Pick_EqualLoad_RoundRobins()
    {
        var list = Slots("0/0,0/0,0/0");
        var balancer = new InstanceBalancer();

        var picks = Enumerable.Range(0, 6).Select(_ => list.IndexOf(balancer.Pick(list, Now)!)).ToArray();

        Assert.Equal([1, 2, 0, 1, 2, 0], picks);
    }

    [Fact]
    public void Pick_ManyPicksWithLimit_NeverExceedsCapacity()
    {
        var list = Slots("0/2,0/3,0/1");
        var balancer = new InstanceBalancer();
        var granted = 0;
        for (var i = 0; i < 10 && balancer.Pick(list, Now) is { } slot; i++)
        {
            slot.InFlight++;
            granted++;
        }

        Assert.Equal(6, granted);
        Assert.All(list, s => Assert.Equal(s.Capacity, s.InFlight));
    }

    internal static List<InstanceSlot> Slots(string spec) =>
        spec.Length == 0
            ? []
            : spec.Split(',').Select((text, i) =>
            {
                var ejected = text.EndsWith('e');
                var parts = text.TrimEnd('e').Split('/');
                var slot = new InstanceSlot(new InstanceEndpoint("i" + i, "127.0.0.1", 1000 + i, 0), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture))
                {
                    InFlight = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture),
                };
                if (ejected)
                {
                    slot.Outlier.EjectedUntil = Now.AddSeconds(10);
                }

                return slot;
            }).ToList();
}
