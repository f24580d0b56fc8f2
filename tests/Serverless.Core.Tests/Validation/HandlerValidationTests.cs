using Serverless.Core.Api;
using Serverless.Core.Tests.Builders;
using Serverless.Core.Validation;
using static Serverless.Core.Tests.Builders.TestFunctions;

namespace Serverless.Core.Tests.Validation;

public sealed class HandlerValidationTests
{
    public static TheoryData<string, string, string, string?> Handlers => new()
    {
        // label, runtime, handler, expected message part (null: valid)
        { "dotnet simple", RuntimeNames.Dotnet, "Hello::Hello.Function::Handle", null },
        { "dotnet dotted assembly", RuntimeNames.Dotnet, "My.Company-Fn_1::My.Company.Fn::Run", null },
        { "dotnet nested type", RuntimeNames.Dotnet, "Hello::Hello.Outer+Inner::Handle", null },
        { "dotnet type in global namespace", RuntimeNames.Dotnet, "Hello::Function::Handle", null },
        { "dotnet missing method", RuntimeNames.Dotnet, "Hello::Hello.Function", "must be Assembly::Namespace.Type::Method" },
        { "dotnet extra part", RuntimeNames.Dotnet, "A::B::C::D", "must be Assembly::Namespace.Type::Method" },
        { "dotnet assembly starting with dot", RuntimeNames.Dotnet, ".Hidden::A.B::C", "the assembly name" },
        { "dotnet assembly starting with dash", RuntimeNames.Dotnet, "-x::A.B::C", "the assembly name" },
        { "dotnet assembly with ..", RuntimeNames.Dotnet, "a..b::A.B::C", "no '..'" },
        { "dotnet assembly path", RuntimeNames.Dotnet, "../etc/Evil::A.B::C", "the assembly name" },
        { "dotnet type with empty segment", RuntimeNames.Dotnet, "A::Ns..Type::M", "the type" },
        { "dotnet type starting with digit", RuntimeNames.Dotnet, "A::1Ns.Type::M", "the type" },
        { "dotnet method not identifier", RuntimeNames.Dotnet, "A::Ns.Type::M-1", "the method" },
        { "node default", RuntimeNames.Node, "index.js:handle", null },
        { "node nested path", RuntimeNames.Node, "dist/handlers/main.mjs:default", null },
        { "node commonjs", RuntimeNames.Node, "lib/fn.cjs:_handler2", null },
        { "node parent directory", RuntimeNames.Node, "../etc/passwd.js:x", "'..' segments" },
        { "node dot segment", RuntimeNames.Node, "./index.js:handle", "'.' or '..' segments" },
        { "node double slash", RuntimeNames.Node, "lib//index.js:handle", "empty" },
        { "node absolute", RuntimeNames.Node, "/etc/index.js:handle", "relative to the function's directory" },
        { "node not javascript", RuntimeNames.Node, "index.ts:handle", "must end in .js, .mjs or .cjs" },
        { "node no export", RuntimeNames.Node, "index.js", "must be relative/path.js:exportName" },
        { "node dollar export", RuntimeNames.Node, "index.js:$handle", "shell metacharacters" },
        { "node export starting with digit", RuntimeNames.Node, "index.js:1handle", "the export must be an identifier" },
        { "python default", RuntimeNames.Python, "main:handle", null },
        { "python package", RuntimeNames.Python, "pkg.sub_module:handle_event", null },
        { "python path", RuntimeNames.Python, "pkg/main:handle", "the module must be dotted identifiers" },
        { "python relative import", RuntimeNames.Python, ".main:handle", "the module must be dotted identifiers" },
        { "python no function", RuntimeNames.Python, "main", "must be package.module:function" },
        { "python function with dot", RuntimeNames.Python, "main:a.b", "the function must be an identifier" },
        { "shell injection", RuntimeNames.Node, "a;rm -rf /", "must not contain whitespace" },
        { "shell injection without spaces", RuntimeNames.Python, "main:handle;reboot", "shell metacharacters" },
        { "command substitution", RuntimeNames.Python, "$(reboot)", "shell metacharacters" },
        { "backticks", RuntimeNames.Python, "main:`reboot`", "shell metacharacters" },
        { "pipe", RuntimeNames.Python, "main:handle|sh", "shell metacharacters" },
        { "newline", RuntimeNames.Python, "main:handle\nHANDLER=x", "must not contain control characters (got \"main:handle\\u000aHANDLER=x\")" },
        { "trailing newline", RuntimeNames.Node, "index.js:handle\n", "control characters" },
        { "NUL", RuntimeNames.Dotnet, "A::B.C::D\0", "control characters" },
        { "tab", RuntimeNames.Python, "main:\thandle", "control characters" },
        { "space", RuntimeNames.Python, "main: handle", "whitespace" },
        { "empty", RuntimeNames.Python, "", "must not be empty" },
        { "too long", RuntimeNames.Python, new string('a', 511) + ":h", "must be no more than 512 characters (got 513)" },
    };

    [Theory]
    [MemberData(nameof(Handlers))]
    public void Validate_Handler_FollowsRuntimeGrammar(string label, string runtime, string handler, string? expected)
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function("default", "hello", WithRuntime(runtime, handler)));

        Assert.False(string.IsNullOrEmpty(label));
        if (expected is null)
        {
            ValidationAssert.Valid(errors);
        }
        else
        {
            ValidationAssert.HasError(errors, "spec.handler", expected);
        }
    }

    [Fact]
    public void Validate_HandlerWithUnknownRuntime_StillRefusesHostileText()
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function("default", "hello", WithRuntime("ruby", "x;reboot")));

        ValidationAssert.HasError(errors, "spec.runtime", "unsupported value \"ruby\"");
        ValidationAssert.HasError(errors, "spec.handler", "shell metacharacters");
    }
}
