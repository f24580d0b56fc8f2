namespace Serverless.KubeApiServer.Tests.Recordings;

/// <summary>The double's options for a replay: the recorded server's behaviour where the double makes it optional.</summary>
internal static class ReplayOptions
{
    public static KubeApiDoubleOptions For(TimeProvider time, TimeSpan bookmarkInterval) => new()
    {
        TimeProvider = time,
        BookmarkInterval = bookmarkInterval,
        AutoCreateNamespaces = false,
        CustomResourceDefinitions = RecordedDefinitions.All,
    };
}
