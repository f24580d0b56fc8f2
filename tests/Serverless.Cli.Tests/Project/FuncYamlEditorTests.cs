using Serverless.Cli.Project;

namespace Serverless.Cli.Tests.Project;

public sealed class FuncYamlEditorTests
{
    private const string Minimal = "name: hello\nruntime: node\n";

    [Fact]
    public void SetEnv_NoEnvYet_AddsQuotedEntriesAndKeepsTheRest()
    {
        var edited = FuncYamlEditor.SetEnv(Minimal, [new("A", "007"), new("B", "true")]);

        var project = FuncYamlReader.Parse(edited, "func.yaml");
        Assert.Equal(("hello", "node"), (project.Name, project.Runtime));
        Assert.Equal([("A", "007"), ("B", "true")], project.Env.Select(e => (e.Name, e.Value)));
        Assert.Contains("value: \"007\"", edited, StringComparison.Ordinal);
    }

    [Fact]
    public void SetEnv_ExistingName_ReplacesInPlace()
    {
        var text = "name: hello\nruntime: node\nenv:\n- name: A\n  value: old\n- name: B\n  value: b\n";

        var edited = FuncYamlEditor.SetEnv(text, [new("A", "new"), new("C", "c")]);

        Assert.Equal([("A", "new"), ("B", "b"), ("C", "c")], FuncYamlReader.Parse(edited, "func.yaml").Env.Select(e => (e.Name, e.Value)));
    }

    [Fact]
    public void UnsetEnv_LastEntry_RemovesTheKeyAndReportsMissing()
    {
        var text = "name: hello\nruntime: node\nenv:\n- name: A\n  value: a\n";

        var edited = FuncYamlEditor.UnsetEnv(text, ["A", "NOPE"], out var missing);

        Assert.Equal(["NOPE"], missing);
        Assert.DoesNotContain("env", edited, StringComparison.Ordinal);
        Assert.Empty(FuncYamlReader.Parse(edited, "func.yaml").Env);
    }

    [Theory]
    [InlineData("no scale yet", "name: hello\nruntime: node\n")]
    [InlineData("scale to update", "name: hello\nruntime: node\nscale:\n  minScale: 3\n  metric: rps\n")]
    public void SetScale_Values_WrittenAsNumbers(string label, string text)
    {
        var edited = FuncYamlEditor.SetScale(
            text, [new("minScale", "0"), new("maxScale", "5"), new("target", "10"), new("targetUtilization", FuncYamlEditor.Format(0.5))]);

        var scale = FuncYamlReader.Parse(edited, "func.yaml").Scale!;
        Assert.True((0, 5, 10, 0.5) == (scale.MinScale, scale.MaxScale, scale.Target, scale.TargetUtilization), $"{label}: {edited}");
        Assert.DoesNotContain("...", edited, StringComparison.Ordinal);
    }

    [Fact]
    public void SetScale_KeepsOtherKeysInOrder()
    {
        var text = "name: hello\nruntime: node\nhandler: index.js:handle\nscale:\n  metric: rps\ntimeoutSeconds: 30\n";

        var edited = FuncYamlEditor.SetScale(text, [new("maxScale", "2")]);

        Assert.Equal("name: hello\nruntime: node\nhandler: index.js:handle\nscale:\n  metric: rps\n  maxScale: 2\ntimeoutSeconds: 30\n", edited);
    }
}
