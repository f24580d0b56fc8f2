namespace Serverless.KubeApiServer.Tests.Recordings;

internal sealed record StepDifference(StepAspect Aspect, string Detail)
{
    public override string ToString() => $"{Aspect}: {Detail}";
}
