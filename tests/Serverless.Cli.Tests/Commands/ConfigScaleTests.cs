using Serverless.Cli.Project;
using Serverless.Cli.Tests.Fakes;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Commands;

/// <summary>Issue #18: <c>func config scale</c> selects the autoscaler class and sets the KPA's new knobs in func.yaml.</summary>
public sealed class ConfigScaleTests
{
    [Fact]
    public async Task ConfigScale_ClassAndKnobs_WrittenToFuncYaml()
    {
        using var cli = new CliHarness();
        using var project = new TempDirectory("func-config-scale");
        var file = Path.Combine(project.Path, FunctionProject.FileName);
        await File.WriteAllTextAsync(file, "name: burner\nruntime: node\n");

        var result = await cli.RunAsync(
            "config", "scale", "--class", "hpa.autoscaling.knative.dev", "--metric", "cpu", "--min", "1", "--target", "70",
            "--scale-down-delay", "120", "--activation-scale", "2", "--burst-capacity", "-1", "-p", project.Path);

        Assert.True(result.ExitCode == 0, result.Error);
        var scale = FuncYamlReader.Parse(await File.ReadAllTextAsync(file), file).Scale!;
        Assert.Equal(
            ("hpa.autoscaling.knative.dev", "cpu", 1, 70, 120, 2, -1.0),
            (scale.Class, scale.Metric, scale.MinScale, scale.Target, scale.ScaleDownDelaySeconds, scale.ActivationScale, scale.TargetBurstCapacity));
    }
}
