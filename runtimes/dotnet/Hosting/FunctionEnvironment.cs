using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.FileProviders;

namespace Serverless.Runtime.Dotnet.Hosting;

/// <summary>
/// The host environment a handler may ask for (<c>IWebHostEnvironment</c>, <c>IHostEnvironment</c>), as the empty
/// WebApplication builder had it: Production, rooted at the runtime's directory, no files served.
/// </summary>
internal sealed class FunctionEnvironment : IWebHostEnvironment
{
    public string EnvironmentName { get; set; } = "Production";

    public string ApplicationName { get; set; } = typeof(FunctionEnvironment).Assembly.GetName().Name ?? "Serverless.Runtime.Dotnet";

    public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();

    public string WebRootPath { get; set; } = AppContext.BaseDirectory;

    public IFileProvider WebRootFileProvider { get; set; } = new NullFileProvider();
}
