using Spectre.Console;

namespace Serverless.Cli.Output;

/// <summary>
/// Where commands write. Plain mode (stdout is not a terminal, or NO_COLOR is set) writes bare text
/// that scripts can parse; rich mode renders colours, tables with borders and spinners through Spectre.
/// Results go to stdout, progress and errors to stderr, so <c>func list | grep</c> sees only results.
/// </summary>
internal sealed class CliConsole
{
    private readonly IAnsiConsole? _rich;

    public CliConsole(TextWriter output, TextWriter error, Stream rawOutput, IAnsiConsole? rich)
    {
        Out = output;
        Error = error;
        RawOut = rawOutput;
        _rich = rich;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>Stdout as bytes, for bodies that must reach a pipe unchanged (<c>func invoke</c>).</summary>
    public Stream RawOut { get; }

    public bool IsPlain => _rich is null;

    /// <summary>The console of this process: rich when stdout is a terminal and neither NO_COLOR nor TERM=dumb is set.</summary>
    public static CliConsole ForProcess(Func<string, string?> environment)
    {
        var plain = System.Console.IsOutputRedirected
            || !string.IsNullOrEmpty(environment("NO_COLOR"))
            || environment("TERM") == "dumb";
        var rich = plain
            ? null
            : AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.Detect,
                ColorSystem = ColorSystemSupport.Detect,
                Interactive = InteractionSupport.Detect,
                Out = new AnsiConsoleOutput(System.Console.Out),
            });
        return new CliConsole(System.Console.Out, System.Console.Error, System.Console.OpenStandardOutput(), rich);
    }

    /// <summary>A plain console over the given writers (tests, redirected output).</summary>
    public static CliConsole Plain(TextWriter output, TextWriter error, Stream rawOutput) =>
        new(output, error, rawOutput, rich: null);

    public void Line(string text = "") => Out.WriteLine(text);

    /// <summary>A result line that deserves attention: green on a terminal.</summary>
    public void Success(string text)
    {
        if (_rich is null)
        {
            Out.WriteLine(text);
            return;
        }

        _rich.Write(new Text("✓ ", new Style(Color.Green)));
        _rich.Write(new Text(text + Environment.NewLine));
    }

    /// <summary>Progress and notes: stderr, so stdout stays the command's result.</summary>
    public void Note(string text) => Error.WriteLine(text);

    /// <summary>A failure: the message, its details indented, and what to do next.</summary>
    public void Fail(string message, IReadOnlyList<string> details, string? hint)
    {
        Error.WriteLine("error: " + message);
        foreach (var detail in details)
        {
            Error.WriteLine("  " + detail);
        }

        if (hint is not null)
        {
            Error.WriteLine(hint);
        }
    }

    public void Table(TableView table)
    {
        if (_rich is null)
        {
            table.WritePlain(Out);
            return;
        }

        _rich.Write(table.ToSpectre());
    }

    /// <summary>Labelled key/value lines (describe), aligned on the longest key.</summary>
    public void Fields(IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        var width = fields.Count == 0 ? 0 : fields.Max(f => f.Key.Length) + 1;
        foreach (var (key, value) in fields)
        {
            var label = (key + ":").PadRight(width + 1);
            if (_rich is null)
            {
                Out.WriteLine(label + value);
            }
            else
            {
                _rich.Write(new Text(label, new Style(decoration: Decoration.Bold)));
                _rich.Write(new Text(value + Environment.NewLine));
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> under a spinner on a terminal; in plain mode the status is
    /// printed once to stderr so logs still show what was waited for.
    /// </summary>
    public async Task<T> WithStatusAsync<T>(string status, Func<Action<string>, Task<T>> work)
    {
        if (_rich is null)
        {
            Error.WriteLine(status);
            return await work(_ => { }).ConfigureAwait(false);
        }

        return await _rich.Status()
            .Spinner(Spinner.Known.Dots)
            .StartAsync(Markup.Escape(status), context => work(s => context.Status = Markup.Escape(s)))
            .ConfigureAwait(false);
    }

    /// <summary>
    /// A Spectre.Console Live view redrawn with the next table every <paramref name="interval"/> until
    /// cancelled (rich mode only; plain callers print snapshots themselves).
    /// </summary>
    public async Task LiveAsync(Func<CancellationToken, Task<TableView>> next, TimeSpan interval, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_rich is null)
        {
            throw new InvalidOperationException("a live view needs a terminal; print snapshots in plain mode");
        }

        var first = await next(cancellationToken).ConfigureAwait(false);
        await _rich.Live(first.ToSpectre()).AutoClear(false).StartAsync(async live =>
        {
            while (true)
            {
                await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
                live.UpdateTarget((await next(cancellationToken).ConfigureAwait(false)).ToSpectre());
                live.Refresh();
            }
        }).ConfigureAwait(false);
    }
}
