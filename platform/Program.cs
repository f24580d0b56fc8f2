using Serverless.Platform;
using Serverless.Platform.Kubernetes;

// The local platform and the Kubernetes activator forward function traffic: see SocketTuning for why and what it gained.
if (args.Length == 0 || args[0] != "kubernetes" || (args.Length > 1 && args[1] == "activator"))
{
    SocketTuning.PreferInlineCompletions();
}

// `kubernetes controller|activator|autoscaler`: one component of Kubernetes mode; no mode is the local platform.
if (args.Length > 0 && args[0] == "kubernetes")
{
    return await KubernetesMode.RunAsync(args[1..], Environment.GetEnvironmentVariable);
}

var options = PlatformOptions.Parse(args, Environment.GetEnvironmentVariable, out var errors);
if (errors.Count > 0)
{
    foreach (var error in errors)
    {
        Console.Error.WriteLine("serverless-platform: " + error);
    }

    return 2;
}

return await PlatformHost.RunAsync(options);
