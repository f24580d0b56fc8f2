using Spectre.Console;

namespace Serverless.Cli.Output;

/// <summary>
/// A table of text cells. Plain rendering is kubectl's: left-aligned columns separated by three
/// spaces, no borders, no trailing blanks, so <c>awk '{print $1}'</c> works on it.
/// </summary>
internal sealed class TableView
{
    private const string ColumnGap = "   ";
    private readonly List<string[]> _rows = [];
    private readonly Dictionary<int, Func<string, Color?>> _colourers = [];

    public TableView(params string[] headers)
    {
        Headers = headers;
    }

    public IReadOnlyList<string> Headers { get; }

    public int RowCount => _rows.Count;

    public void AddRow(params string[] cells)
    {
        if (cells.Length != Headers.Count)
        {
            throw new ArgumentException($"a row has {cells.Length} cells, the table {Headers.Count} columns", nameof(cells));
        }

        _rows.Add(cells);
    }

    /// <summary>Colours a column's cells on a terminal (e.g. READY: green True, red False).</summary>
    public void Colour(int column, Func<string, Color?> colourOf) => _colourers[column] = colourOf;

    public void WritePlain(TextWriter writer)
    {
        var widths = new int[Headers.Count];
        foreach (var row in _rows.Prepend([.. Headers]))
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (var row in _rows.Prepend([.. Headers]))
        {
            var cells = row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]));
            writer.WriteLine(string.Join(ColumnGap, cells).TrimEnd());
        }
    }

    public Table ToSpectre()
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in Headers)
        {
            table.AddColumn(new TableColumn(new Text(header, new Style(decoration: Decoration.Bold))));
        }

        foreach (var row in _rows)
        {
            table.AddRow(row.Select((cell, i) =>
                new Text(cell, _colourers.TryGetValue(i, out var colourOf) && colourOf(cell) is { } colour ? new Style(colour) : Style.Plain)).ToArray());
        }

        return table;
    }
}
