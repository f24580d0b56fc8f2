namespace Serverless.Platform.Tests.Pools;

/// <summary>
/// The warm pool through the platform with the sandbox on (the default): each pool instance waits in a sandbox of its
/// own, and its specialization stages the Function's artifact into it.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SandboxedWarmPoolThroughPlatformTests() : WarmPoolThroughPlatform(sandboxed: true);
