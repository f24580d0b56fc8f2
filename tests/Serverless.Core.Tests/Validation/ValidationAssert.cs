using Serverless.Core.Validation;

namespace Serverless.Core.Tests.Validation;

/// <summary>Assertions that print every error on failure, so a failing row says what the validator did report.</summary>
internal static class ValidationAssert
{
    public static void Valid(IReadOnlyList<ValidationError> errors) =>
        Assert.True(errors.Count == 0, "expected no errors, got:\n" + Describe(errors));

    /// <summary>Exactly one error is at <paramref name="field"/>, and its message contains <paramref name="messagePart"/>.</summary>
    public static ValidationError HasError(IReadOnlyList<ValidationError> errors, string field, string messagePart)
    {
        var atField = errors.Where(e => e.Field == field).ToList();
        Assert.True(atField.Count == 1, $"expected one error at {field}, got:\n" + Describe(errors));
        Assert.True(
            atField[0].Message.Contains(messagePart, StringComparison.Ordinal),
            $"expected the error at {field} to contain \"{messagePart}\", got:\n" + Describe(errors));
        return atField[0];
    }

    /// <summary>
    /// A table row's expectation: no error when <paramref name="field"/> is null, otherwise one at
    /// <paramref name="field"/> containing <paramref name="messagePart"/>. The label must name the row.
    /// </summary>
    public static void Row(string label, IReadOnlyList<ValidationError> errors, string? field, string? messagePart)
    {
        Assert.False(string.IsNullOrEmpty(label));
        if (field is null)
        {
            Valid(errors);
        }
        else
        {
            HasError(errors, field, messagePart!);
        }
    }

    public static void NoErrorAt(IReadOnlyList<ValidationError> errors, string field) =>
        Assert.True(errors.All(e => e.Field != field), $"expected no error at {field}, got:\n" + Describe(errors));

    private static string Describe(IReadOnlyList<ValidationError> errors) =>
        errors.Count == 0 ? "(none)" : string.Join("\n", errors.Select(e => "  " + e));
}
