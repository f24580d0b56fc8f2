namespace Serverless.Runtime.Dotnet.Tests.Integration;

/// <summary>Runs alone, after the parallel tests, so that the measurement is not skewed by them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StartupTimeCollection
{
    public const string Name = "startup time";
}
