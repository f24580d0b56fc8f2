namespace Serverless.Hosting.KubeApi.Validation;

/// <summary>The kinds of <c>field.Error</c> the API server reports, each with its cause reason and message prefix.</summary>
internal enum FieldErrorType
{
    Invalid,
    TypeInvalid,
    Required,
    NotSupported,
    TooLong,
    TooMany,
    Forbidden,
    Duplicate,
    NotFound,
}
