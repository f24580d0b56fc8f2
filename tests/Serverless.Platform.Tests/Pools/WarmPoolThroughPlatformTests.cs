namespace Serverless.Platform.Tests.Pools;

/// <summary>The warm pool through the platform with the sandbox off.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class WarmPoolThroughPlatformTests() : WarmPoolThroughPlatform(sandboxed: false);
