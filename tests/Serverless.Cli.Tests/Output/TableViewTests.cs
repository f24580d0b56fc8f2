using Serverless.Cli.Output;

namespace Serverless.Cli.Tests.Output;

public sealed class TableViewTests
{
    [Fact]
    public void WritePlain_Rows_AlignedColumnsNoTrailingBlanks()
    {
        var table = new TableView("NAME", "READY", "URL");
        table.AddRow("a-long-name", "True", "http://x/");
        table.AddRow("b", "False", "");
        using var writer = new StringWriter();

        table.WritePlain(writer);

        Assert.Equal(
            """
            NAME          READY   URL
            a-long-name   True    http://x/
            b             False

            """.ReplaceLineEndings(),
            writer.ToString());
    }

    [Fact]
    public void AddRow_WrongCellCount_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TableView("A", "B").AddRow("only one"));
    }
}
