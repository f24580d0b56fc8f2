namespace Serverless.Hosting.Stores;

/// <summary>What <see cref="ResourceApply{T}.ApplyAsync(T, T?, Func{T, T, T?}, CancellationToken)"/> wrote.</summary>
public enum ApplyOutcome
{
    /// <summary>The name was free (or freed meanwhile): the desired object was created.</summary>
    Created,

    /// <summary>The live object was replaced by its merge with the desired one.</summary>
    Replaced,

    /// <summary>The live object already was as desired: nothing was written.</summary>
    Unchanged,
}
