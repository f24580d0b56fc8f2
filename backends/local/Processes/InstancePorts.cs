namespace Serverless.Backends.Local.Processes;

/// <summary>An instance's two loopback ports: the function's (<c>PORT</c>, the activator's) and the platform's (<c>PLATFORM_PORT</c>).</summary>
internal readonly record struct InstancePorts(int Port, int PlatformPort);
