namespace Serverless.KubeApiServer.Tests.Kubectl;

/// <summary>A test that runs the real kubectl: reported as skipped, with the reason, on a machine without one.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (KubectlCli.Path is null)
        {
            Skip = "kubectl is not on PATH";
        }
    }
}
