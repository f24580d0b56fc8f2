using System.Text.Json.Nodes;
using Serverless.KubeApiServer.Validation.Cel;

namespace Serverless.KubeApiServer.Tests.Validation.Cel;

/// <summary>
/// Rules a Kubernetes 1.29 server refuses when the CRD is written, refused here too: wrong overloads, functions
/// the server does not declare (the engine's own extras and libraries of later Kubernetes versions), invalid
/// regular expressions and rules that are not a bool.
/// </summary>
public sealed class CelDeclarationTests
{
    private static readonly JsonObject StringSchema = new() { ["type"] = "string" };

    public static TheoryData<string, string, string> Refused => new()
    {
        // label, rule, part of the error
        { "sign is a global function, not a member", "quantity(self).sign() == 1", "found no matching overload" },
        { "compareTo takes a quantity", "quantity(self).compareTo(1) == 0", "found no matching overload" },
        { "quantity takes a string", "quantity(1) == quantity('1')", "found no matching overload" },
        { "isQuantity takes a string", "isQuantity([1, 2, 3])", "found no matching overload" },
        { "the engine's bytes.hex()", "b'a'.hex() == self", "undeclared reference to 'hex'" },
        { "the engine's cel.bind (ext.Bindings, not in the 1.28 environment)", "cel.bind(x, self, x == 'a')", "undeclared reference to 'cel.bind'" },
        { "ext.Sets (1.29 environment)", "sets.contains(['a'], [self])", "sets" },
        { "ext.Strings version 1 format()", "'%s'.format([self]) == 'a'", "undeclared reference to 'format'" },
        { "the IP library (1.30)", "ip(self).family() == 4", "undeclared reference to 'ip'" },
        { "the CIDR library (1.30)", "cidr(self).prefixLength() == 8", "undeclared reference to 'cidr'" },
        { "the format library (1.31)", "format.dns1123Label().validate(self).hasValue()", "undeclared reference to 'format.dns1123Label'" },
        { "an undeclared variable", "other == self", "other" },
        { "a regular expression RE2 cannot compile", "self.matches('(?=a)')", "invalid regular expression" },
        { "int and double do not compare for equality", "size(self) == 1.0", "overload" },
        { "list literals are homogeneous", "[1, 'a'].size() == 2", "same type" },
        { "a rule that is not a bool", "size(self)", "must evaluate to a bool" },
        { "a syntax error", "self ==", "Syntax error" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Compile_RuleTheServerRefuses_IsRefused(string label, string rule, string error)
    {
        var program = CelEngine.Shared.Compile(StringSchema, rule);

        Assert.True(program.CompileError is not null, $"{label}: compiled, but the API server refuses it: {rule}");
        Assert.Contains(error, program.CompileError, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => program.Evaluate(JsonValue.Create("a")));
    }

    public static TheoryData<string, string> Accepted => new()
    {
        { "sign as a function", "sign(quantity(self)) == 1" },
        { "optional types (1.28 environment)", "optional.of(self).hasValue() && optional.none().orValue(self) == self" },
        { "cross-type numeric ordering", "size(self) < 2.5" },
        { "ext.Strings version 0", "self.lowerAscii().trim().split(',').size() > 0" },
        { "the regex library", "self.find('[0-9]+') == '1'" },
        { "the lists library", "[1, 2].isSorted()" },
        { "the urls library", "isURL(self) || url('/a').getEscapedPath() == '/a'" },
        { "macros", "[self].all(x, x.startsWith('1')) && [self].exists_one(x, true) && [self].map(x, x).filter(x, true).size() == 1" },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Compile_RuleTheServerAccepts_Compiles(string label, string rule)
    {
        var program = CelEngine.Shared.Compile(StringSchema, rule);

        Assert.True(program.CompileError is null, $"{label}: {program.CompileError}");
        Assert.True(program.Evaluate(JsonValue.Create("1")).Passed, label);
    }
}
