namespace Serverless.Core.Contracts;

/// <summary>Why a store operation failed; shared by logs, HTTP status codes and metric labels.</summary>
public enum StoreErrorKind
{
    NotFound,
    AlreadyExists,
    Conflict,
    Expired,
    Invalid,
}

public sealed class StoreException : Exception
{
    public StoreException(StoreErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    public StoreErrorKind Kind { get; }
}
