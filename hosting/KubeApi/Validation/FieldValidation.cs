namespace Serverless.Hosting.KubeApi.Validation;

/// <summary>The <c>fieldValidation</c> query parameter: what unknown and duplicate fields in a request body do.</summary>
internal enum FieldValidation
{
    /// <summary>Dropped silently.</summary>
    Ignore,

    /// <summary>Dropped, with one <c>Warning: 299</c> header per field (the server's default).</summary>
    Warn,

    /// <summary>The request fails (400, or 422 for patches). kubectl sends this.</summary>
    Strict,
}
