using Serverless.Activator.Reporting;
using Serverless.Core.Contracts;

namespace Serverless.Activator.Tests.Reporting;

public sealed class SampleBufferTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ConcurrencySample At(int second) => new(new FunctionKey("default", "hello"), T0.AddSeconds(second), second, second, 0, 0);

    [Fact]
    public void TakePending_ReturnsEachSampleOnceOldestFirst()
    {
        var buffer = new SampleBuffer(TimeSpan.FromSeconds(60), capacity: 100);
        buffer.Add(At(0));
        buffer.Add(At(1));

        Assert.Equal([At(0), At(1)], buffer.TakePending());
        Assert.Empty(buffer.TakePending());
    }

    [Theory]
    [InlineData("window keeps the last 10 s", 10, 100, 30, 0, 19)]
    [InlineData("capacity keeps the last 5", 60, 5, 30, 0, 25)]
    [InlineData("just-sent samples left out", 60, 100, 10, 3, 0)]
    public void Recent_BoundedByWindowAndCapacity(string label, int windowSeconds, int capacity, int added, int skipNewest, int firstSecond)
    {
        var buffer = new SampleBuffer(TimeSpan.FromSeconds(windowSeconds), capacity);
        for (var s = 0; s < added; s++)
        {
            buffer.Add(At(s));
        }

        var recent = buffer.Recent(skipNewest);

        Assert.True(recent[0] == At(firstSecond), $"{label}: starts at {recent[0].Time}");
        Assert.True(recent[^1] == At(added - 1 - skipNewest), $"{label}: ends at {recent[^1].Time}");
    }

    [Fact]
    public void Add_PastCapacityUnsent_DropsOldestAndCounts()
    {
        var buffer = new SampleBuffer(TimeSpan.FromSeconds(60), capacity: 3);
        for (var s = 0; s < 5; s++)
        {
            buffer.Add(At(s));
        }

        Assert.Equal(2, buffer.Dropped);
        Assert.Equal([At(2), At(3), At(4)], buffer.TakePending());
    }
}
