using Serverless.Platform;
using Serverless.Platform.Kubernetes;

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
