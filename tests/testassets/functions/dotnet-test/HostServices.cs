using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DotnetTest;

/// <summary>
/// Takes the services every ASP.NET Core host gives an app, as parameters: a handler written against them must keep
/// binding them as services whatever the runtime's host is built from.
/// </summary>
public static class HostServices
{
    public static string Report(IHostEnvironment host, IWebHostEnvironment web, IHostApplicationLifetime lifetime, ILoggerFactory loggers, IConfiguration configuration) =>
        $"{host.EnvironmentName} {web.EnvironmentName} started={lifetime.ApplicationStarted.IsCancellationRequested} stopping={lifetime.ApplicationStopping.IsCancellationRequested} logger={loggers.CreateLogger("x") is not null} service={configuration["K_SERVICE"]}";
}
