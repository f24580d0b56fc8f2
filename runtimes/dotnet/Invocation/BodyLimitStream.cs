using Microsoft.AspNetCore.Http;

namespace Serverless.Runtime.Dotnet.Invocation;

/// <summary>
/// The request body of a request without a Content-Length, refused with 413 once it grows past
/// <c>MAX_REQUEST_BODY_BYTES</c>. It is our limit rather than Kestrel's so that the body stays readable after the
/// refusal: Kestrel then drains the rest (up to <see cref="InvocationOptions.DrainBytes"/> more) and the caller,
/// still sending, gets the 413 instead of a broken pipe. Kestrel's own limit, set that much higher, still bounds it.
/// </summary>
internal sealed class BodyLimitStream(Stream inner, long limit) : Stream
{
    private long _read;

    /// <summary>The 413 this stream threw, if it did: told apart from the same exception type thrown by anything else.</summary>
    public BadHttpRequestException? Refusal { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        _read += read;
        if (_read > limit)
        {
            throw Refusal = new BadHttpRequestException($"The request body exceeds the limit of {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
        }

        return read;
    }
}
