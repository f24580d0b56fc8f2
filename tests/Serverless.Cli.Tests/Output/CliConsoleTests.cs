using Serverless.Cli.Output;
using Spectre.Console;

namespace Serverless.Cli.Tests.Output;

public sealed class CliConsoleTests
{
    [Fact]
    public async Task RichConsole_TableStatusAndSuccess_RenderWithoutMarkupInjection()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var rich = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.TrueColor,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(output),
        });
        var console = new CliConsole(output, error, Stream.Null, rich);
        var table = new TableView("NAME", "READY");
        table.Colour(1, _ => Color.Green);

        // Square brackets are Spectre markup: user text containing them must print literally.
        table.AddRow("[red]x[/]", "True");
        console.Table(table);
        console.Success("deployed [bold]");
        var result = await console.WithStatusAsync("waiting [x]…", update =>
        {
            update("still [waiting]");
            return Task.FromResult(42);
        });

        Assert.False(console.IsPlain);
        Assert.Equal(42, result);
        Assert.Contains("[red]x[/]", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("deployed [bold]", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("\u001b[", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainConsole_Status_WrittenOnceToStderr()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = CliConsole.Plain(output, error, Stream.Null);

        await console.WithStatusAsync("building…", _ => Task.FromResult(0));

        Assert.Equal("", output.ToString());
        Assert.Equal("building…\n", error.ToString().ReplaceLineEndings("\n"));
    }
}
