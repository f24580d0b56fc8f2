namespace Serverless.Images.Tests;

/// <summary>What <c>scripts/publish-images</c> writes and names: <c>{prefix}/{image}:0.1.0</c> in <c>.out/images/{image}-0.1.0.tar</c>.</summary>
internal static class ImageNames
{
    public const string Tag = "0.1.0";

    public static readonly IReadOnlyList<string> All = ["platform", "runtime-dotnet", "runtime-node", "runtime-python"];

    /// <summary><c>SERVERLESS_IMAGE_REGISTRY</c>, as the script and the controller read it.</summary>
    public static string Prefix =>
        Environment.GetEnvironmentVariable("SERVERLESS_IMAGE_REGISTRY") is { Length: > 0 } prefix ? prefix : "ghcr.io/serverless-dev";

    public static string Reference(string image) => $"{Prefix}/{image}:{Tag}";

    public static string Archive(string imagesDirectory, string image) => Path.Combine(imagesDirectory, $"{image}-{Tag}.tar");
}
