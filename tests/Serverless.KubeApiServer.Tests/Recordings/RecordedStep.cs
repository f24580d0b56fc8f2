namespace Serverless.KubeApiServer.Tests.Recordings;

/// <summary>One step of a recorded scenario (<c>http/{scenario}.json</c>) or one discovery file.</summary>
internal sealed record RecordedStep(string Scenario, string Name, RecordedRequest Request, ObservedResponse Response)
{
    public override string ToString() => $"{Scenario}/{Name}";
}
