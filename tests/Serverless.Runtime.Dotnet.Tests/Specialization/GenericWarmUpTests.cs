using Serverless.Runtime.Dotnet.Configuration;
using Serverless.Runtime.Dotnet.Specialization;

namespace Serverless.Runtime.Dotnet.Tests.Specialization;

public sealed class GenericWarmUpTests
{
    /// <summary>
    /// A function's start runs this while the host builds, before any service exists: it must go through the binding
    /// and the whole invocation pipeline to a 200, not stop at a problem response (which would warm the wrong path).
    /// </summary>
    [Fact]
    public async Task BindAndInvokeDetached_WithoutTheHostsServices_AnswersBothInvocations200()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [EnvironmentVariables.FunctionPath] = "/",
            [EnvironmentVariables.Handler] = "A::B.C::D",
            [EnvironmentVariables.Port] = "8080",
            [EnvironmentVariables.Service] = "warm",
        };
        Assert.True(RuntimeSettingsParser.TryParse(name => env.GetValueOrDefault(name), out var settings, out var errors), string.Join("; ", errors));

        var handler = GenericWarmUp.BindDetached();

        Assert.NotNull(handler);
        Assert.True(await GenericWarmUp.InvokeDetachedAsync(handler, settings!, TimeProvider.System));
    }
}
