using System.Text;
using Serverless.Backends.Local.Processes;
using Serverless.TestSupport;

namespace Serverless.Backends.Local.Tests.Processes;

public sealed class OutputPumpTests : IDisposable
{
    private readonly TempDirectory _temp = new("procs-pump");

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string, string, int[]> Cases => new()
    {
        // label, input, expected line lengths
        { "lines", "ab\ncde\n", [2, 3] },
        { "crlf trimmed", "ab\r\ncd\r\n", [2, 2] },
        { "empty lines kept", "\n\nx\n", [0, 0, 1] },
        { "unterminated last line", "ab\ncd", [2, 2] },
        { "exactly the maximum is one line", new string('x', OutputPump.MaxLineBytes) + "\n", [OutputPump.MaxLineBytes] },
        { "longer is cut", new string('x', OutputPump.MaxLineBytes + 10) + "\ny\n", [OutputPump.MaxLineBytes, 10, 1] },
        { "much longer is cut repeatedly", new string('x', (3 * OutputPump.MaxLineBytes) + 1), [OutputPump.MaxLineBytes, OutputPump.MaxLineBytes, OutputPump.MaxLineBytes, 1] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RunAsync_Input_SplitIntoBoundedLines(string label, string input, int[] expectedLengths)
    {
        var path = Path.Combine(_temp.Path, "i.log");
        using (var log = new InstanceLogWriter(path, 1 << 20, TimeProvider.System))
        {
            // Dribbled in small reads, as a pipe delivers it.
            await OutputPump.RunAsync(new ChunkedStream(Encoding.UTF8.GetBytes(input), 7), "stdout", log);
        }

        var lengths = File.ReadAllLines(path).Select(l => l.Length - InstanceLogWriter.TimestampLength - " stdout ".Length).ToArray();
        Assert.True(expectedLengths.SequenceEqual(lengths), $"{label}: got [{string.Join(", ", lengths)}]");
    }

    /// <summary>Returns at most a few bytes per read.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], cancellationToken);
    }
}
