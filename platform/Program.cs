using Serverless.Hosting.Web.Servers;
using Serverless.Platform;
using Serverless.Platform.Admin;
using Serverless.Platform.Composition;
using Serverless.Platform.Kubernetes;

// The local platform and the Kubernetes activator forward function traffic: see SocketTuning for why and what it gained.
if (args.Length == 0 || args[0] != "kubernetes" || (args.Length > 1 && args[1] == "activator"))
{
    SocketTuning.PreferInlineCompletions();
}

try
{
    // `kubernetes controller|activator|autoscaler`: one component of Kubernetes mode; no mode is the local platform.
    if (args.Length > 0 && args[0] == "kubernetes")
    {
        return await KubernetesMode.RunAsync(args[1..], Environment.GetEnvironmentVariable);
    }

    var options = PlatformOptions.Parse(args, Environment.GetEnvironmentVariable, out var errors);

    // Read once: no child inherits it from here on (see AdminCredential.RemoveFromEnvironment for what this cannot hide).
    AdminCredential.RemoveFromEnvironment();
    ConfigurationException.ThrowIfAny(errors);
    return await PlatformHost.RunAsync(options);
}
catch (ConfigurationException e)
{
    // The one path of a configuration error: every problem on its own line, exit 2.
    foreach (var problem in e.Problems)
    {
        await Console.Error.WriteLineAsync("serverless-platform: " + problem);
    }

    return 2;
}
catch (ListenException e)
{
    await Console.Error.WriteLineAsync("serverless-platform: " + e.Message);
    return 1;
}
