using Serverless.Core.Naming;

namespace Serverless.Core.Validation;

/// <summary>
/// Collects every problem of one resource, so a caller sees all of them at once instead of fixing one per round trip.
/// Messages name the offending value through <see cref="Names.Printable"/>, so a hostile value cannot forge log lines.
/// </summary>
internal sealed class ErrorList
{
    private readonly List<ValidationError> _errors = [];

    public int Count => _errors.Count;

    public void Add(FieldPath field, string message) => _errors.Add(new ValidationError(field.Value, message));

    public void Required(FieldPath field) => Add(field, "is required");

    public void Forbidden(FieldPath field, string why) => Add(field, "must not be set " + why);

    public void Unsupported(FieldPath field, string? value, IEnumerable<string> supported) =>
        Add(field, $"unsupported value {Quote(value)}: supported values: {string.Join(", ", supported.Select(Quote))}");

    public void OutOfRange(FieldPath field, long value, long min, long max) =>
        Add(field, $"must be between {min} and {max} (got {value})");

    /// <summary>The value in double quotes with control characters escaped, as every message shows user input.</summary>
    public static string Quote(string? value) => "\"" + Names.Printable(value) + "\"";

    public IReadOnlyList<ValidationError> ToList() => _errors.ToArray();
}
