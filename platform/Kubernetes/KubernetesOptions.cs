using System.Net;
using Serverless.Backends.Kubernetes.Leadership;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Core.Configuration;

namespace Serverless.Platform.Kubernetes;

/// <summary>
/// Settings of one Kubernetes-mode component, from <c>--key value</c> arguments or <c>SERVERLESS_KEY</c> environment
/// variables (arguments win), Knative-style key names. Pods set them in the component Deployments.
/// </summary>
internal sealed record KubernetesOptions
{
    public const string PlatformNamespace = "serverless-system";

    public required KubernetesComponent Component { get; init; }

    /// <summary>Function traffic (activator) or activator statistics (autoscaler): key <c>http</c>, default <c>0.0.0.0:8080</c>.</summary>
    public IPEndPoint Http { get; init; } = new(IPAddress.Any, 8080);

    /// <summary><c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c>: key <c>metrics</c>, default <c>0.0.0.0:9090</c>.</summary>
    public IPEndPoint Metrics { get; init; } = new(IPAddress.Any, 9090);

    /// <summary>This pod's name (<c>POD_NAME</c> from the downward API): the leader-election identity and the activator id.</summary>
    public required string PodName { get; init; }

    /// <summary>Where the platform runs and its Leases live (<c>POD_NAMESPACE</c>); default <c>serverless-system</c>.</summary>
    public string PodNamespace { get; init; } = PlatformNamespace;

    /// <summary>Directory of an optional <c>config.json</c> with <c>autoscaler</c>/<c>activator</c> sections: key <c>config-dir</c>, default <c>/etc/serverless</c>.</summary>
    public string ConfigDirectory { get; init; } = "/etc/serverless";

    /// <summary>Controller: only the Lease holder reconciles. Key <c>leader-elect</c>, default true.</summary>
    public bool LeaderElect { get; init; } = true;

    /// <summary>
    /// Controller: the Lease <c>serverless-controller</c> in <see cref="PodNamespace"/>, held by <see cref="PodName"/>; keys
    /// <c>lease-duration</c> (default 15s), <c>renew-deadline</c> (10s) and <c>retry-period</c> (1s), as Knative's
    /// <c>config-leader-election</c>.
    /// </summary>
    public required LeaderElectionOptions LeaderElection { get; init; }

    /// <summary>
    /// Controller: Deployment/Service construction (keys <c>domain</c>, <c>runtime-image-{runtime}</c>, <c>image-registry</c>).
    /// Its <c>Domain</c> is the argument's until <see cref="PlatformDomain"/> settles it with config.json.
    /// </summary>
    public KubernetesWorkloadOptions Workloads { get; init; } = new();

    /// <summary>Whether <c>--domain</c> or <c>SERVERLESS_DOMAIN</c> was given (else the domain comes from config.json or the default).</summary>
    public bool DomainGiven { get; init; }

    /// <summary>Activator: the autoscaler's statistics endpoint. Key <c>autoscaler-url</c>, default <c>http://autoscaler.serverless-system.svc:8080/</c>.</summary>
    public Uri AutoscalerUrl { get; init; } = new("http://autoscaler." + PlatformNamespace + ".svc:8080/");

    /// <summary>Broker: where Function subscribers are reached, so an event wakes a function at zero. Key <c>activator-url</c>, default <c>http://activator.serverless-system.svc/</c>.</summary>
    public Uri ActivatorUrl { get; init; } = new("http://activator." + PlatformNamespace + ".svc/");

    /// <summary>Broker: the base of the addresses written into Broker status (<c>{base}{namespace}/{broker}</c>). Key <c>broker-ingress-url</c>, default <c>http://broker-ingress.serverless-system.svc/</c>.</summary>
    public Uri BrokerIngressUrl { get; init; } = new("http://broker-ingress." + PlatformNamespace + ".svc/");

    /// <summary>
    /// Broker: the RabbitMQ URL (<c>amqp://</c> or <c>amqps://</c>, with credentials), key <c>broker-url</c>, from the
    /// Secret <c>serverless-broker-rabbitmq</c> through <c>SERVERLESS_BROKER_URL</c>; null when not configured.
    /// </summary>
    public Uri? BrokerUrl { get; init; }

    /// <summary>
    /// Controller and activator: warm pools, <c>pool-size-{runtime}</c> generic pods per runtime in each namespace with
    /// Functions of that runtime (0..100, default 0 = off), and <c>pool-max-pods</c> of all pools together (the
    /// controller's; 1..10000, default 100). Both components must be given the same sizes.
    /// </summary>
    public Backends.Kubernetes.Pools.KubernetesPoolOptions Pools { get; init; } = new();

    private static readonly string[] Keys =
        [
            "http", "metrics", "config-dir", "leader-elect", "lease-duration", "renew-deadline", "retry-period", "domain", "image-registry",
            "runtime-image-dotnet", "runtime-image-node", "runtime-image-python", "autoscaler-url", "activator-url", "broker-ingress-url", "broker-url",
            "pool-size-dotnet", "pool-size-node", "pool-size-python", "pool-max-pods",
            .. Backends.Kubernetes.Pools.PoolOptionsParser.Keys,
        ];

    /// <summary>Parses <c>{controller|activator|autoscaler|broker} [--key value]…</c>; returns the problems instead of throwing.</summary>
    public static KubernetesOptions? Parse(string[] args, Func<string, string?> environment, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        KubernetesComponent? parsed = args.Length == 0 ? null : args[0] switch
        {
            "controller" => KubernetesComponent.Controller,
            "activator" => KubernetesComponent.Activator,
            "autoscaler" => KubernetesComponent.Autoscaler,
            "broker" => KubernetesComponent.Broker,
            _ => null,
        };
        if (parsed is not { } component)
        {
            errors = [$"kubernetes: expected a component, one of controller, activator, autoscaler, broker (got \"{(args.Length == 0 ? "" : Core.Naming.Names.Printable(args[0]))}\")"];
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in Keys)
        {
            if (environment("SERVERLESS_" + key.Replace('-', '_').ToUpperInvariant()) is { Length: > 0 } value)
            {
                values[key] = value;
            }
        }

        for (var i = 1; i < args.Length; i++)
        {
            var key = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : null;
            if (key is null || !Keys.Contains(key) || i + 1 >= args.Length)
            {
                problems.Add($"unknown or incomplete argument \"{Core.Naming.Names.Printable(args[i])}\" (expected --KEY VALUE with KEY one of {string.Join(", ", Keys)})");
                continue;
            }

            if (key == "broker-url")
            {
                // A flag shows its value to anyone who lists processes; the URL holds RabbitMQ's password.
                problems.Add("--broker-url: not accepted as an argument (it would show the password in the process list); set SERVERLESS_BROKER_URL from the Secret serverless-broker-rabbitmq");
                i++;
                continue;
            }

            values[key] = args[++i];
        }

        var registry = values.GetValueOrDefault("image-registry", KubernetesWorkloadOptions.DefaultRegistry).TrimEnd('/');
        var images = new Dictionary<string, string>(KubernetesWorkloadOptions.DefaultRuntimeImages(registry), StringComparer.Ordinal);
        foreach (var runtime in Core.Api.RuntimeNames.All)
        {
            if (values.TryGetValue("runtime-image-" + runtime, out var image))
            {
                images[runtime] = image;
            }
        }

        var podName = environment("POD_NAME") is { Length: > 0 } pod ? pod : Environment.MachineName;
        var podNamespace = environment("POD_NAMESPACE") is { Length: > 0 } ns ? ns : PlatformNamespace;
        var options = new KubernetesOptions
        {
            Component = component,
            Http = EndPoint(values, "http", new IPEndPoint(IPAddress.Any, 8080), problems),
            Metrics = EndPoint(values, "metrics", new IPEndPoint(IPAddress.Any, 9090), problems),
            PodName = podName,
            PodNamespace = podNamespace,
            ConfigDirectory = values.GetValueOrDefault("config-dir", "/etc/serverless"),
            LeaderElect = Bool(values, "leader-elect", true, problems),
            LeaderElection = Election(values, podNamespace, podName, problems),
            Workloads = new KubernetesWorkloadOptions { RuntimeImages = images, Domain = Domain(values, problems) },
            DomainGiven = values.ContainsKey("domain"),
            AutoscalerUrl = Url(values, "autoscaler-url", "http://autoscaler." + PlatformNamespace + ".svc:8080/", problems),
            ActivatorUrl = Url(values, "activator-url", "http://activator." + PlatformNamespace + ".svc/", problems),
            BrokerIngressUrl = Url(values, "broker-ingress-url", "http://broker-ingress." + PlatformNamespace + ".svc/", problems),
            BrokerUrl = AmqpUrl(values, problems),
            Pools = PoolSizes(values, podNamespace, problems),
        };
        foreach (var (runtime, image) in images)
        {
            if (image.Length == 0 || image.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                problems.Add($"runtime-image-{runtime} = \"{Core.Naming.Names.Printable(image)}\": expected an image reference such as ghcr.io/serverless-dev/runtime-{runtime}:0.1.0");
            }
        }

        errors = problems;
        return options;
    }

    private static Backends.Kubernetes.Pools.KubernetesPoolOptions PoolSizes(Dictionary<string, string> values, string platformNamespace, List<string> problems)
    {
        var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var runtime in Core.Api.RuntimeNames.All)
        {
            if (!values.TryGetValue("pool-size-" + runtime, out var text))
            {
                continue;
            }

            if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size)
                && size <= Backends.Kubernetes.Pools.KubernetesPoolOptions.MaxSize)
            {
                if (size > 0 && !Backends.Kubernetes.Pools.KubernetesPoolOptions.SupportedRuntimes.Contains(runtime))
                {
                    problems.Add($"pool-size-{runtime} = {size}: warm pools on Kubernetes need a runtime that unpacks the artifact at specialization, which only {string.Join(", ", Backends.Kubernetes.Pools.KubernetesPoolOptions.SupportedRuntimes)} does so far (set 0)");
                    continue;
                }

                sizes[runtime] = size;
            }
            else
            {
                problems.Add($"pool-size-{runtime} = \"{Core.Naming.Names.Printable(text)}\": expected an integer in 0..{Backends.Kubernetes.Pools.KubernetesPoolOptions.MaxSize} (0 turns the pool off)");
            }
        }

        var maxPods = Backends.Kubernetes.Pools.KubernetesPoolOptions.DefaultMaxPods;
        if (values.TryGetValue("pool-max-pods", out var maxText))
        {
            if (int.TryParse(maxText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var max)
                && max is >= 1 and <= Backends.Kubernetes.Pools.KubernetesPoolOptions.MaxMaxPods)
            {
                maxPods = max;
            }
            else
            {
                problems.Add($"pool-max-pods = \"{Core.Naming.Names.Printable(maxText)}\": expected an integer in 1..{Backends.Kubernetes.Pools.KubernetesPoolOptions.MaxMaxPods} (idle pool pods of all namespaces together)");
            }
        }

        return new Backends.Kubernetes.Pools.KubernetesPoolOptions
        {
            Sizes = sizes,
            PlatformNamespace = platformNamespace,
            MaxPods = maxPods,
            Resources = Backends.Kubernetes.Pools.PoolOptionsParser.Resources(values, problems),
            QuotaReservePercent = Backends.Kubernetes.Pools.PoolOptionsParser.QuotaReserve(values, problems),
        };
    }

    private static IPEndPoint EndPoint(Dictionary<string, string> values, string key, IPEndPoint fallback, List<string> problems)
    {
        if (!values.TryGetValue(key, out var text))
        {
            return fallback;
        }

        if (IPEndPoint.TryParse(text, out var endPoint) && text.Contains(':', StringComparison.Ordinal))
        {
            return endPoint;
        }

        problems.Add($"{key} = \"{Core.Naming.Names.Printable(text)}\": expected HOST:PORT with a numeric IP address, e.g. 0.0.0.0:8080");
        return fallback;
    }

    private static LeaderElectionOptions Election(Dictionary<string, string> values, string @namespace, string identity, List<string> problems)
    {
        var defaults = new LeaderElectionOptions { Identity = identity };
        var options = defaults with
        {
            Namespace = @namespace,
            LeaseDuration = Duration(values, "lease-duration", defaults.LeaseDuration, problems),
            RenewDeadline = Duration(values, "renew-deadline", defaults.RenewDeadline, problems),
            RetryPeriod = Duration(values, "retry-period", defaults.RetryPeriod, problems),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            problems.Add(e.Message);
            return defaults with { Namespace = @namespace };
        }

        return options;
    }

    private static TimeSpan Duration(Dictionary<string, string> values, string key, TimeSpan fallback, List<string> problems)
    {
        if (!values.TryGetValue(key, out var text))
        {
            return fallback;
        }

        if (DurationText.TryParse(text, out var value) && value > TimeSpan.Zero)
        {
            return value;
        }

        problems.Add($"{key} = \"{Core.Naming.Names.Printable(text)}\": expected a positive duration such as {DurationText.Format(fallback)}");
        return fallback;
    }

    private static bool Bool(Dictionary<string, string> values, string key, bool fallback, List<string> problems)
    {
        if (!values.TryGetValue(key, out var text))
        {
            return fallback;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        problems.Add($"{key} = \"{Core.Naming.Names.Printable(text)}\": expected true or false");
        return fallback;
    }

    private static string Domain(Dictionary<string, string> values, List<string> problems)
    {
        var domain = values.GetValueOrDefault("domain", "example.com");
        if (!Core.Naming.Names.IsDns1123Subdomain(domain))
        {
            problems.Add($"domain = \"{Core.Naming.Names.Printable(domain)}\": {Core.Naming.Names.Dns1123SubdomainError(domain)}");
            return "example.com";
        }

        return domain;
    }

    /// <summary>The RabbitMQ URL; a problem names the key but never echoes the value, which holds a password.</summary>
    private static Uri? AmqpUrl(Dictionary<string, string> values, List<string> problems)
    {
        if (!values.TryGetValue("broker-url", out var text))
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "amqp" or "amqps" && url.Host.Length > 0)
        {
            return url;
        }

        problems.Add("broker-url (SERVERLESS_BROKER_URL): expected amqp://USER:PASSWORD@HOST:5672/VHOST or amqps://… (the value is not shown: it may hold a password)");
        return null;
    }

    private static Uri Url(Dictionary<string, string> values, string key, string fallback, List<string> problems)
    {
        var text = values.GetValueOrDefault(key, fallback);
        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Query.Length == 0)
        {
            return text.EndsWith('/') ? url : new Uri(text + "/");
        }

        problems.Add($"{key} = \"{Core.Naming.Names.Printable(text)}\": expected an absolute http(s) URL without a query, e.g. {fallback}");
        return new Uri(fallback);
    }
}
