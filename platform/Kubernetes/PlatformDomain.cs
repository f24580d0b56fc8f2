using Serverless.Platform.Composition;

namespace Serverless.Platform.Kubernetes;

/// <summary>
/// The one domain of Kubernetes mode: the controller writes <c>status.url</c> as <c>http://{function}.{namespace}.{domain}</c>
/// and the activator routes that host, so both must read the same value. It is <c>--domain</c> /
/// <c>SERVERLESS_DOMAIN</c>, or else config.json's <c>activator.domain</c> (the file every component mounts), or else
/// <c>example.com</c>, Knative's default. Both set to different values is a configuration error, not a silent choice.
/// </summary>
internal static class PlatformDomain
{
    public const string Default = "example.com";

    /// <exception cref="ConfigurationException">The argument and config.json disagree.</exception>
    public static string Resolve(KubernetesOptions options, ComponentConfiguration configuration)
    {
        var configured = configuration.ActivatorDomainGiven ? configuration.Activator.Domain : null;
        if (options.DomainGiven && configured is not null && configured != options.Workloads.Domain)
        {
            var file = Path.Combine(options.ConfigDirectory, PlatformConfiguration.FileName);
            throw new ConfigurationException([
                $"domain = \"{options.Workloads.Domain}\" (--domain or SERVERLESS_DOMAIN) differs from activator.domain = \"{configured}\" in {file}: set the domain in one place, so that status.url is the host the activator routes",
            ]);
        }

        return options.DomainGiven ? options.Workloads.Domain : configured ?? Default;
    }
}
