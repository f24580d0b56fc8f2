using Serverless.Runtime.Dotnet.Loading;

namespace Serverless.Runtime.Dotnet.Tests.Loading;

public sealed class HandlerNameTests
{
    [Theory]
    [InlineData("HelloDotnet::HelloDotnet.Handler::Handle", "HelloDotnet", "HelloDotnet.Handler", "Handle")]
    [InlineData("A::B::C", "A", "B", "C")]
    [InlineData("My.Company-Fn_1::My.Company.Fn.Handlers::Run2", "My.Company-Fn_1", "My.Company.Fn.Handlers", "Run2")]
    [InlineData("Fn::Ns.Outer+Inner::Handle", "Fn", "Ns.Outer+Inner", "Handle")]
    [InlineData("Fn::_Private._Type::_handle", "Fn", "_Private._Type", "_handle")]
    [InlineData("Fn::Ñandú.Función::Manejar", "Fn", "Ñandú.Función", "Manejar")]
    public void TryParse_ValidHandler_SplitsIntoParts(string value, string assembly, string type, string method)
    {
        Assert.True(HandlerName.TryParse(value, out var name, out var error), error);
        Assert.Equal(new HandlerName(assembly, type, method), name);
        Assert.Equal(value, name.ToString());
    }

    [Theory]
    [InlineData("null", null, "empty handler")]
    [InlineData("empty", "", "empty handler")]
    [InlineData("one part", "Handler", "got 1 part(s)")]
    [InlineData("two parts", "A::B", "got 2 part(s)")]
    [InlineData("four parts", "A::B::C::D", "got 4 part(s)")]
    [InlineData("single colons", "A:B:C", "got 1 part(s)")]
    [InlineData("empty assembly", "::B::C", "the assembly part is empty")]
    [InlineData("empty type", "A::::C", "the type part is empty")]
    [InlineData("empty method", "A::B::", "the method part is empty")]
    [InlineData("path traversal", "../../etc/passwd::B::C", "may only contain")]
    [InlineData("absolute path", "/tmp/evil::B::C", "may only contain")]
    [InlineData("backslash path", "..\\evil::B::C", "may only contain")]
    [InlineData("dot-dot inside", "A..B::C::D", "must not start or end with '.'")]
    [InlineData("leading dot", ".hidden::B::C", "must not start or end with '.'")]
    [InlineData("trailing dot", "A.::B::C", "must not start or end with '.'")]
    [InlineData(".dll suffix", "Fn.dll::B::C", "without the .dll extension")]
    [InlineData(".DLL suffix", "Fn.DLL::B::C", "without the .dll extension")]
    [InlineData("space in assembly", "A B::C::D", "may only contain")]
    [InlineData("NUL in assembly", "A\0::B::C", "may only contain")]
    [InlineData("leading whitespace", " A::B::C", "may only contain")]
    [InlineData("trailing newline", "A::B::C\n", "is not a method name")]
    [InlineData("newline in type", "A::B\n::C", "is not a namespace-qualified type name")]
    [InlineData("type starting with digit", "A::1B::C", "is not a namespace-qualified type name")]
    [InlineData("empty namespace segment", "A::Ns..T::C", "is not a namespace-qualified type name")]
    [InlineData("trailing dot in type", "A::Ns.T.::C", "is not a namespace-qualified type name")]
    [InlineData("generic type", "A::Ns.List`1::C", "is not a namespace-qualified type name")]
    [InlineData("assembly-qualified type", "A::Ns.T, A::C", "is not a namespace-qualified type name")]
    [InlineData("method with parens", "A::B::Run()", "is not a method name")]
    [InlineData("method with dot", "A::B::Run.X", "is not a method name")]
    [InlineData("unicode assembly", "Ñ::B::C", "may only contain")]
    public void TryParse_InvalidHandler_FailsWithReason(string label, string? value, string expectedReason)
    {
        Assert.False(HandlerName.TryParse(value, out var name, out var error), label);
        Assert.Null(name);
        Assert.Contains(expectedReason, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
        Assert.DoesNotContain('\0', error);
    }

    [Fact]
    public void TryParse_VeryLongHandler_FailsWithLength()
    {
        var value = "A::B::" + new string('C', 5000);

        Assert.False(HandlerName.TryParse(value, out _, out var error));
        Assert.Contains("5006 characters long", error, StringComparison.Ordinal);
    }
}
