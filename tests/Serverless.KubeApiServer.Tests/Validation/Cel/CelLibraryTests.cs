using System.Text.Json.Nodes;
using Serverless.KubeApiServer.Validation.Cel;

namespace Serverless.KubeApiServer.Tests.Validation.Cel;

/// <summary>
/// The Kubernetes CEL libraries as the engine declares and runs them, row by row from the examples in their
/// Kubernetes documentation and tests (apiserver/pkg/cel/library/{quantity,lists,regex,urls}.go and
/// quantity_test.go, cel-go ext/strings.go).
/// </summary>
/// <remarks>
/// One documented example is left out on purpose: quantity.go's comment says <c>isQuantity('Mi')</c> is false, but
/// resource.ParseQuantity reads "Mi" as zero mebibytes (no digits: the numerator defaults to 0), and this engine
/// follows ParseQuantity.
/// </remarks>
public sealed class CelLibraryTests
{
    private static readonly JsonObject StringSchema = new() { ["type"] = "string" };

    public static TheoryData<string, bool> Rules => new()
    {
        // quantity
        { "isQuantity('1.3G')", true },
        { "isQuantity('1.3Gi')", true },
        { "isQuantity('1,3G')", false },
        { "isQuantity('10000k')", true },
        { "isQuantity('200K')", false },
        { "isQuantity('Three')", false },
        { "isQuantity('20Mo')", false },
        { "isQuantity('10Mm')", false },
        { "isQuantity('')", false },
        { "isQuantity('1e3')", true },
        { "isQuantity('1e')", false },
        { "quantity('50000000G').isInteger()", true },
        { "quantity('50k').isInteger()", true },
        { "quantity('9999999999999999999999999999999999999G').isInteger()", false },
        { "quantity('1500m').isInteger()", false },
        { "quantity('50k').asInteger() == 50000", true },
        { "quantity('50k').sub(20000).asApproximateFloat() == 30000.0", true },
        { "quantity('50k').add(quantity('20k')) == quantity('70k')", true },
        { "quantity('50k').add(20) == quantity('50020')", true },
        { "quantity('50k').sub(quantity('20k')) == quantity('30k')", true },
        { "quantity('50k').sub(20000) == quantity('30k')", true },
        { "quantity('50k').add(20).sub(quantity('100k')).sub(-50000) == quantity('20')", true },
        { "quantity('50k').add(quantity('20')) == quantity('50.02k')", true },
        { "quantity('50k').add(20).isLessThan(quantity('50020'))", false },
        { "quantity('50k').sub(quantity('20')) == quantity('49.98k')", true },
        { "quantity('50k').add(20).sub(quantity('100k')).asInteger() == -49980", true },
        { "quantity('50k').add(20).sub(quantity('100k')).sub(-50000).asInteger() == 20", true },
        { "quantity('50.703k').asApproximateFloat() == 50703.0", true },
        { "quantity('2M') == quantity('0.002G') && quantity('2000k') == quantity('2M')", true },
        { "quantity('200M') == quantity('0.3G')", false },
        { "quantity('200M').compareTo(quantity('0.2G')) == 0", true },
        { "quantity('50M').compareTo(quantity('50Mi')) == -1", true },
        { "quantity('50Mi').compareTo(quantity('50M')) == 1", true },
        { "quantity('150Mi').isGreaterThan(quantity('100Mi'))", true },
        { "quantity('50Mi').isGreaterThan(quantity('100Mi'))", false },
        { "quantity('50M').isLessThan(quantity('100M'))", true },
        { "quantity('100M').isLessThan(quantity('50M'))", false },
        { "quantity('1.5Gi') == quantity('1536Mi')", true },
        { "quantity('0.1n') == quantity('1n')", true },
        { "quantity('1e-3') == quantity('1m')", true },
        { "sign(quantity('-1m')) == -1 && sign(quantity('0')) == 0 && sign(quantity('1n')) == 1", true },

        // lists
        { "[1, 2, 3].isSorted()", true },
        { "['a', 'b', 'b', 'c'].isSorted()", true },
        { "[2.0, 1.0].isSorted()", false },
        { "[1, 3].sum() == 4", true },
        { "[1.0, 3.0].sum() == 4.0", true },
        { "[duration('1m'), duration('1s')].sum() == duration('61s')", true },
        { "[1, 3].min() == 1 && [1, 3].max() == 3", true },
        { "[1, 2, 2, 3].indexOf(2) == 1", true },
        { "['a', 'b', 'b', 'c'].lastIndexOf('b') == 2", true },
        { "[1.0].indexOf(1.1) == -1", true },

        // regex
        { "'abc 123'.find('[0-9]+') == '123'", true },
        { "'abc 123'.find('xyz') == ''", true },
        { "'123 abc 456'.findAll('[0-9]+') == ['123', '456']", true },
        { "'123 abc 456'.findAll('[0-9]+', 1) == ['123']", true },
        { "'123 abc 456'.findAll('xyz') == []", true },

        // urls
        { "url('https://user:pass@example.com:80/path?query=val#fragment').getHost() == 'example.com:80'", true },
        { "isURL('https://user:pass@example.com:80/path?query=val#fragment')", true },
        { "isURL('/absolute-path')", true },
        { "isURL('https://a:b:c/')", false },
        { "isURL('../relative-path')", false },
        { "url('/path').getScheme() == ''", true },
        { "url('https://example.com/').getScheme() == 'https'", true },
        { "url('https://[::1]:80/').getHost() == '[::1]:80'", true },
        { "url('https://[::1]:80/').getHostname() == '::1'", true },
        { "url('https://127.0.0.1:80/').getHostname() == '127.0.0.1'", true },
        { "url('https://example.com:80/').getPort() == '80'", true },
        { "url('https://example.com/').getPort() == ''", true },
        { "url('https://example.com/path').getEscapedPath() == '/path'", true },
        { "url('https://example.com/path with spaces/').getEscapedPath() == '/path%20with%20spaces/'", true },
        { "url('https://example.com').getEscapedPath() == ''", true },
        { "url('https://example.com/path?k1=a&k2=b&k2=c').getQuery() == {'k1': ['a'], 'k2': ['b', 'c']}", true },
        { "url('https://example.com/path?key with spaces=value with spaces').getQuery() == {'key with spaces': ['value with spaces']}", true },
        { "size(url('https://example.com/path?').getQuery()) == 0", true },

        // ext strings, version 0
        { "'hello'.charAt(4) == 'o' && 'hello'.charAt(5) == ''", true },
        { "'hello mellow'.indexOf('ello') == 1 && 'hello mellow'.lastIndexOf('ello') == 7", true },
        { "'hello hello'.replace('he', 'we') == 'wello wello'", true },
        { "'hello hello'.replace('he', 'we', 1) == 'wello hello'", true },
        { "'TacoCÆt Xii'.lowerAscii() == 'tacocÆt xii'", true },
        { "'tacoçat'.upperAscii() == 'TACOçAT'", true },
        { "'hello hello hello'.split(' ', 2) == ['hello', 'hello hello']", true },
        { "['hello', 'mellow'].join(' ') == 'hello mellow'", true },
        { "'tacocat'.substring(4) == 'cat' && 'tacocat'.substring(0, 4) == 'taco'", true },

        // matches is RE2, as Go runs it: \z, a dot that takes a whole code point, a global form
        { "'a'.matches('a\\\\z')", true },
        { "'😀'.matches('^.$')", true },
        { "matches('abc', '^a')", true },
        { "'a\\nb'.matches('^b')", false },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Evaluate_LibraryFunction_AsKubernetesDocumentsIt(string rule, bool expected)
    {
        var program = CelEngine.Shared.Compile(StringSchema, rule);
        Assert.True(program.CompileError is null, program.ToString());

        var result = program.Evaluate(JsonValue.Create("x"));

        Assert.Null(result.Error);
        Assert.Equal(expected, result.Value);
    }

    public static TheoryData<string, string> ErrorsAtRunTime => new()
    {
        { "quantity('10Mo') == quantity('1')", "quantities must match the regular expression" },
        { "quantity('10Mm') == quantity('1')", "unable to parse quantity's suffix" },
        { "quantity('9999999999999999999999999999999999999G').asInteger() == 1", "cannot convert value to integer" },
        { "[1, 2].filter(x, x > 5).min() == 1", "min called on empty list" },
        { "quantity('1.5').asInteger() == 1", "cannot convert value to integer" },
        { "url('../relative').getScheme() == ''", "URL parse error" },
    };

    [Theory]
    [MemberData(nameof(ErrorsAtRunTime))]
    public void Evaluate_InvalidArgument_IsAnEvaluationError(string rule, string error)
    {
        var result = CelEngine.Shared.Compile(StringSchema, rule).Evaluate(JsonValue.Create("x"));

        Assert.False(result.Passed);
        Assert.Contains(error, result.Error, StringComparison.Ordinal);
    }
}
