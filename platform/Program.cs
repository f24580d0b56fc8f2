using Serverless.Platform;

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
