using System.Runtime.Versioning;

// Containers under podman and /proc: these tests run on Linux only.
[assembly: SupportedOSPlatform("linux")]
