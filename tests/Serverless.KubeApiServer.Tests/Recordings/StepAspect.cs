namespace Serverless.KubeApiServer.Tests.Recordings;

/// <summary>What a replay compares between the real server's answer and the double's.</summary>
[Flags]
internal enum StepAspect
{
    None = 0,

    /// <summary>The HTTP status code.</summary>
    Status = 1,

    /// <summary>The Content-Type header (media type and parameters).</summary>
    ContentType = 2,

    /// <summary>A Status body's <c>reason</c>.</summary>
    Reason = 4,

    /// <summary>A Status body's <c>details.causes</c>: each cause's reason and field path.</summary>
    Causes = 8,

    /// <summary>The Warning headers, in order.</summary>
    Warnings = 16,

    /// <summary>The body's shape: the set of keys at each level and the kind of each value; text bodies verbatim.</summary>
    Body = 32,

    /// <summary>A watch's events: their types in order, each object's shape, bookmarks, and whether the stream ended.</summary>
    Events = 64,
}
