using Serverless.Runtime.Dotnet.Hosting;

return await RuntimeHost.RunAsync(Environment.GetEnvironmentVariable, Console.Out, Console.Error);
