using Microsoft.Extensions.Configuration;

namespace DotnetTest;

/// <summary>An instance handler reading the function's environment through the host's <see cref="IConfiguration"/>.</summary>
public sealed class Settings(IConfiguration configuration)
{
    public string Read(string key) => configuration[key] ?? "(unset)";
}
