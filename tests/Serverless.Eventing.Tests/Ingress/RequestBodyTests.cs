using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Http;
using Serverless.Eventing.Ingress;

namespace Serverless.Eventing.Tests.Ingress;

public sealed class RequestBodyTests
{
    /// <summary>A body that arrives a few bytes per read, as a socket delivers it.</summary>
    private sealed class TrickleStream(byte[] bytes, int chunk) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(Math.Min(buffer.Length, chunk), bytes.Length - _position);
            bytes.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        // Completes at once, on the caller's thread, so the allocation test can count with the thread's counter.
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override void Flush() => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    public static TheoryData<string, int, bool, int, long, int?> Cases => new()
    {
        // label, body bytes, Content-Length sent, bytes per read, limit, expected length (null: too large)
        { "declared, one read", 7, true, 4096, 1024, 7 },
        { "declared, trickled", 10_000, true, 3, 65_536, 10_000 },
        { "declared empty", 0, true, 4096, 1024, 0 },
        { "declared at the limit", 1024, true, 100, 1024, 1024 },
        { "declared over the limit", 1025, true, 4096, 1024, null },
        { "chunked, trickled", 10_000, false, 7, 65_536, 10_000 },
        { "chunked empty", 0, false, 4096, 1024, 0 },
        { "chunked at the limit", 1024, false, 100, 1024, 1024 },
        { "chunked over the limit", 5000, false, 4096, 1024, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ReadAsync_Table(string label, int size, bool declared, int chunk, long limit, int? expected)
    {
        var bytes = Enumerable.Range(0, size).Select(i => (byte)(i * 31)).ToArray();

        var body = await RequestBody.ReadAsync(new TrickleStream(bytes, chunk), declared ? size : null, limit, CancellationToken.None);

        if (expected is null)
        {
            Assert.True(body is null, label);
        }
        else
        {
            Assert.NotNull(body);
            Assert.Equal(expected, body.Length);
            Assert.True(bytes.AsSpan().SequenceEqual(body), label);
        }
    }

    [Fact]
    public async Task ReadAsync_DeclaredLength_AllocatesTheBodyOnce()
    {
        // 1 MiB through 64 KiB reads: a growing buffer and a final copy allocate at least twice the body.
        var bytes = new byte[1 << 20];
        var stream = new TrickleStream(bytes, 64 * 1024);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var body = await RequestBody.ReadAsync(stream, bytes.Length, 2 << 20, CancellationToken.None);

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(bytes.Length, body!.Length);
        Assert.InRange(allocated, bytes.Length, bytes.Length + 16 * 1024);
    }

    [Fact]
    public void Parse_BinaryMode_KeepsTheBodyAsTheEventsDataWithoutACopy()
    {
        var body = "{\"n\":1}"u8.ToArray();
        var headers = new HeaderDictionary
        {
            ["ce-specversion"] = "1.0",
            ["ce-id"] = "e1",
            ["ce-source"] = "/bench",
            ["ce-type"] = "bench",
            ["Content-Type"] = "application/json",
        };

        var parsed = CloudEventHttpReader.Parse(headers, body);

        Assert.True(parsed.IsValid, parsed.Error);
        Assert.True(MemoryMarshal.TryGetArray(Assert.Single(parsed.Events).Data!.Value, out var segment));
        Assert.Same(body, segment.Array);
    }
}
