using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Support;

/// <summary>
/// The C# runtime as the platform starts it: <c>dotnet Serverless.Runtime.Dotnet.dll</c> from the install
/// layout, serving a function of the test assembly (tests/testassets/functions/dotnet-test).
/// </summary>
internal static class RuntimeProcess
{
    public const string TestFunctionAssembly = "DotnetTest";

    public static string RuntimeDll => RepoPaths.Built("runtimes", "dotnet", "Serverless.Runtime.Dotnet.dll");

    public static string TestFunctionPath => RepoPaths.Built("testassets", "functions", "dotnet-test");

    public static RuntimeInstance Start(string handler, string functionPath, params (string Key, string Value)[] environment) =>
        RuntimeInstance.Start(ChildEnvironment.DotnetHost, RuntimeDll, functionPath, handler, environment);

    /// <summary>Starts a handler of the test function (<c>DotnetTest::DotnetTest.Handlers::{method}</c>).</summary>
    public static RuntimeInstance StartTestHandler(string method, params (string Key, string Value)[] environment) =>
        Start(TestHandler(method), TestFunctionPath, environment);

    public static Task<RuntimeInstance> StartReadyAsync(string handler, string functionPath, params (string Key, string Value)[] environment) =>
        RuntimeInstance.StartReadyAsync(ChildEnvironment.DotnetHost, RuntimeDll, functionPath, handler, environment);

    public static Task<RuntimeInstance> StartTestHandlerReadyAsync(string method, params (string Key, string Value)[] environment) =>
        StartReadyAsync(TestHandler(method), TestFunctionPath, environment);

    private static string TestHandler(string method) => $"{TestFunctionAssembly}::DotnetTest.Handlers::{method}";
}
