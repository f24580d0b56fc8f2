using Serverless.Activator.Configuration;
using Serverless.Autoscaler.Configuration;
using Serverless.Backends.Local.Processes;
using Serverless.Eventing;
using Serverless.Platform.Composition;
using Serverless.Platform.Kubernetes;

namespace Serverless.Platform.Tests.Kubernetes;

public sealed class KubernetesOptionsTests
{
    [Fact]
    public void Parse_ComponentOnly_ContractDefaults()
    {
        var options = KubernetesOptions.Parse(["controller"], Env(("POD_NAME", "controller-0")), out var errors);

        Assert.Empty(errors);
        Assert.NotNull(options);
        Assert.Equal(KubernetesComponent.Controller, options.Component);
        Assert.Equal(("0.0.0.0:8080", "0.0.0.0:9090"), (options.Http.ToString(), options.Metrics.ToString()));
        Assert.Equal(("controller-0", "serverless-system", true), (options.PodName, options.PodNamespace, options.LeaderElect));
        Assert.Equal("ghcr.io/serverless-dev/runtime-python:0.1.0", options.Workloads.RuntimeImages["python"]);
        Assert.Equal("example.com", options.Workloads.Domain);
        Assert.Equal("http://autoscaler.serverless-system.svc:8080/", options.AutoscalerUrl.ToString());
        Assert.False(options.Pools.Enabled);
    }

    [Fact]
    public void Parse_PoolSizes_PerRuntimeFromArgumentsAndEnvironment()
    {
        var options = KubernetesOptions.Parse(
            ["activator", "--pool-size-python", "3"], Env(("SERVERLESS_POOL_SIZE_NODE", "2"), ("SERVERLESS_POOL_SIZE_PYTHON", "1"), ("SERVERLESS_POOL_SIZE_DOTNET", "4")), out var errors);

        Assert.Empty(errors);
        Assert.True(options!.Pools.Enabled);
        Assert.Equal((3, 2, 4), (options.Pools.SizeOf("python"), options.Pools.SizeOf("node"), options.Pools.SizeOf("dotnet")));
        Assert.Equal(100, options.Pools.MaxPods);
        Assert.Equal("serverless-system", options.Pools.PlatformNamespace);
    }

    [Fact]
    public void Parse_PoolMaxPodsAndPodNamespace_Taken()
    {
        var options = KubernetesOptions.Parse(["controller", "--pool-size-python", "2", "--pool-max-pods", "7"], Env(("POD_NAMESPACE", "platform")), out var errors);

        Assert.Empty(errors);
        Assert.Equal((7, "platform"), (options!.Pools.MaxPods, options.Pools.PlatformNamespace));
    }

    [Fact]
    public void Parse_PoolResourcesAndQuotaReserve_Taken()
    {
        var defaults = KubernetesOptions.Parse(["controller"], Env(), out var defaultErrors)!;
        var options = KubernetesOptions.Parse(
            ["controller", "--pool-size-python", "2", "--pool-requests-cpu", "100m", "--pool-limits-memory", "256Mi", "--pool-quota-reserve", "10"],
            Env(("SERVERLESS_POOL_REQUESTS_MEMORY", "128Mi")),
            out var errors);

        Assert.Empty(defaultErrors);
        Assert.Equal((20, null), (defaults.Pools.QuotaReservePercent, defaults.Pools.Resources));
        Assert.Empty(errors);
        Assert.Equal(10, options!.Pools.QuotaReservePercent);
        Assert.Equal(("100m", "128Mi", "256Mi"), (options.Pools.Resources!.Requests["cpu"].ToString(), options.Pools.Resources.Requests["memory"].ToString(), options.Pools.Resources.Limits["memory"].ToString()));
    }

    [Fact]
    public void Parse_EnvironmentAndArguments_ArgumentsWin()
    {
        var options = KubernetesOptions.Parse(
            ["activator", "--domain", "fn.example.org", "--metrics", "127.0.0.1:9191"],
            Env(("SERVERLESS_DOMAIN", "ignored.example"), ("SERVERLESS_IMAGE_REGISTRY", "registry.local/sl"), ("SERVERLESS_RUNTIME_IMAGE_NODE", "node:custom"), ("SERVERLESS_AUTOSCALER_URL", "http://127.0.0.1:1234")),
            out var errors);

        Assert.Empty(errors);
        Assert.Equal("fn.example.org", options!.Workloads.Domain);
        Assert.Equal("127.0.0.1:9191", options.Metrics.ToString());
        Assert.Equal("registry.local/sl/runtime-dotnet:0.1.0", options.Workloads.RuntimeImages["dotnet"]);
        Assert.Equal("node:custom", options.Workloads.RuntimeImages["node"]);
        Assert.Equal("http://127.0.0.1:1234/", options.AutoscalerUrl.ToString());
    }

    [Theory]
    [InlineData("no component", new string[0], "expected a component")]
    [InlineData("unknown component", new[] { "scheduler" }, "expected a component")]
    [InlineData("capitalized component", new[] { "Controller" }, "expected a component")]
    [InlineData("unknown key", new[] { "controller", "--colour", "red" }, "unknown or incomplete argument \"--colour\"")]
    [InlineData("missing value", new[] { "controller", "--domain" }, "unknown or incomplete argument \"--domain\"")]
    [InlineData("bad address", new[] { "activator", "--http", "localhost:80" }, "http = \"localhost:80\": expected HOST:PORT")]
    [InlineData("bad bool", new[] { "controller", "--leader-elect", "yes" }, "leader-elect = \"yes\": expected true or false")]
    [InlineData("bad domain", new[] { "controller", "--domain", "Not_A.Domain" }, "domain = \"Not_A.Domain\"")]
    [InlineData("bad url", new[] { "activator", "--autoscaler-url", "ftp://x" }, "autoscaler-url = \"ftp://x\": expected an absolute http(s) URL")]
    [InlineData("bad image", new[] { "controller", "--runtime-image-node", "a b" }, "runtime-image-node = \"a b\"")]
    [InlineData("bad lease duration", new[] { "controller", "--lease-duration", "forever" }, "lease-duration = \"forever\": expected a positive duration such as 15s")]
    [InlineData("bad pool size", new[] { "controller", "--pool-size-python", "-1" }, "pool-size-python = \"-1\": expected an integer in 0..100 (0 turns the pool off)")]
    [InlineData("pool size too big", new[] { "activator", "--pool-size-python", "101" }, "pool-size-python = \"101\": expected an integer in 0..100")]
    [InlineData("pool max pods zero", new[] { "controller", "--pool-max-pods", "0" }, "pool-max-pods = \"0\": expected an integer in 1..10000 (idle pool pods of all namespaces together)")]
    [InlineData("pool max pods not a number", new[] { "controller", "--pool-max-pods", "many" }, "pool-max-pods = \"many\": expected an integer in 1..10000")]
    [InlineData("bad pool request", new[] { "controller", "--pool-requests-cpu", "fast" }, "pool-requests-cpu = \"fast\": expected a Kubernetes quantity greater than 0, such as 100m")]
    [InlineData("pool limit below request", new[] { "controller", "--pool-requests-memory", "1Gi", "--pool-limits-memory", "512Mi" }, "pool-limits-memory = 512Mi: must not be below pool-requests-memory = 1Gi")]
    [InlineData("pool quota reserve too big", new[] { "controller", "--pool-quota-reserve", "91" }, "pool-quota-reserve = \"91\": expected a percentage in 0..90")]
    [InlineData("lease not above renew", new[] { "controller", "--lease-duration", "10s" }, "lease-duration = 10s, must be greater than renew-deadline (10s)")]
    public void Parse_BadInput_ErrorNamesKeyAndValue(string label, string[] args, string expected)
    {
        KubernetesOptions.Parse(args, Env(), out var errors);

        Assert.True(errors.Any(e => e.Contains(expected, StringComparison.Ordinal)), $"{label}: {string.Join(" | ", errors)}");
    }

    [Fact]
    public void Parse_Broker_DefaultsAndSecretUrl()
    {
        var defaults = KubernetesOptions.Parse(["broker"], Env(), out var defaultErrors)!;
        var configured = KubernetesOptions.Parse(
            ["broker", "--activator-url", "http://10.0.0.7:8080"],
            Env(("SERVERLESS_BROKER_URL", "amqp://events:s3cret@rabbitmq.messaging.svc:5672/%2F")),
            out var errors)!;

        Assert.Empty(defaultErrors);
        Assert.Empty(errors);
        Assert.Equal(KubernetesComponent.Broker, defaults.Component);
        Assert.Null(defaults.BrokerUrl);
        Assert.Equal(("http://activator.serverless-system.svc/", "http://broker-ingress.serverless-system.svc/"), (defaults.ActivatorUrl.ToString(), defaults.BrokerIngressUrl.ToString()));
        Assert.Equal(("amqp", "rabbitmq.messaging.svc", 5672), (configured.BrokerUrl!.Scheme, configured.BrokerUrl.Host, configured.BrokerUrl.Port));
        Assert.Equal("http://10.0.0.7:8080/", configured.ActivatorUrl.ToString());
    }

    [Theory]
    [InlineData("http://user:hunter2@rabbit:5672/")]
    [InlineData("rabbit:5672")]
    [InlineData("amqp:///vhost")]
    public void Parse_BadBrokerUrl_ErrorNamesKeyButNeverThePassword(string url)
    {
        KubernetesOptions.Parse(["broker"], Env(("SERVERLESS_BROKER_URL", url)), out var errors);

        var error = Assert.Single(errors);
        Assert.StartsWith("broker-url (SERVERLESS_BROKER_URL): expected amqp://", error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BrokerUrlFlag_RefusedWithoutEchoingIt()
    {
        var options = KubernetesOptions.Parse(["broker", "--broker-url", "amqp://events:hunter2@rabbit:5672/"], Env(), out var errors);

        var error = Assert.Single(errors);
        Assert.StartsWith("--broker-url: not accepted as an argument", error, StringComparison.Ordinal);
        Assert.Contains("SERVERLESS_BROKER_URL", error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
        Assert.Null(options?.BrokerUrl);
    }

    [Fact]
    public void Parse_LeaderElection_DefaultsAndKeys()
    {
        var defaults = KubernetesOptions.Parse(["controller"], Env(("POD_NAME", "controller-0"), ("POD_NAMESPACE", "platform")), out _)!.LeaderElection;
        var tuned = KubernetesOptions.Parse(
            ["controller", "--lease-duration", "30s", "--renew-deadline", "20s"], Env(("SERVERLESS_RETRY_PERIOD", "500ms")), out var errors)!.LeaderElection;

        Assert.Empty(errors);
        Assert.Equal(("controller-0", "platform", "serverless-controller"), (defaults.Identity, defaults.Namespace, defaults.LeaseName));
        Assert.Equal((15, 10, 1.0), (defaults.LeaseDuration.TotalSeconds, defaults.RenewDeadline.TotalSeconds, defaults.RetryPeriod.TotalSeconds));
        Assert.Equal((30, 20, 0.5), (tuned.LeaseDuration.TotalSeconds, tuned.RenewDeadline.TotalSeconds, tuned.RetryPeriod.TotalSeconds));
    }

    [Theory]
    [InlineData("nothing set: Knative's default", null, null, "example.com")]
    [InlineData("the argument alone", "fn.example.org", null, "fn.example.org")]
    [InlineData("config.json alone: the controller reads the activator's setting too", null, "fn.example.net", "fn.example.net")]
    [InlineData("both, the same", "fn.example.org", "fn.example.org", "fn.example.org")]
    public void PlatformDomain_OneSetting_ControllerAndActivatorAgree(string label, string? argument, string? configured, string expected)
    {
        var options = KubernetesOptions.Parse(argument is null ? ["controller"] : ["controller", "--domain", argument], Env(), out _)!;
        var configuration = new ComponentConfiguration(new AutoscalerOptions(), new ActivatorOptions { Domain = configured ?? "localhost" }, new BrokerOptions(), new LocalBackendOptions())
        {
            ActivatorDomainGiven = configured is not null,
        };

        Assert.True(expected == PlatformDomain.Resolve(options, configuration), label);
    }

    [Fact]
    public void PlatformDomain_ArgumentAndConfigDisagree_ConfigurationErrorNamingBoth()
    {
        var options = KubernetesOptions.Parse(["activator", "--domain", "fn.example.org", "--config-dir", "/etc/serverless"], Env(), out _)!;
        var configuration = new ComponentConfiguration(new AutoscalerOptions(), new ActivatorOptions { Domain = "other.example" }, new BrokerOptions(), new LocalBackendOptions())
        {
            ActivatorDomainGiven = true,
        };

        var error = Assert.Throws<ConfigurationException>(() => PlatformDomain.Resolve(options, configuration));

        Assert.Contains("domain = \"fn.example.org\" (--domain or SERVERLESS_DOMAIN) differs from activator.domain = \"other.example\" in /etc/serverless/config.json", error.Message, StringComparison.Ordinal);
    }

    private static Func<string, string?> Env(params (string Key, string Value)[] values) =>
        key => values.FirstOrDefault(v => v.Key == key).Value;
}
