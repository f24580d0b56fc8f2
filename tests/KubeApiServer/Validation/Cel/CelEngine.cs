using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;

namespace Serverless.KubeApiServer.Validation.Cel;

/// <summary>
/// Compiles and evaluates CRD validation rules (<c>x-kubernetes-validations</c>) with a real CEL implementation:
/// the npm package <c>@marcbachmann/cel-js</c>, which type-checks against declared variable types and function
/// overloads, running in a Node.js process (<c>host.mjs</c> beside this file; its protocol is described there).
/// <c>self</c> is typed from the schema at the rule's location as the API server types it, and the functions are
/// the Kubernetes CEL libraries a 1.29 server compiles new rules with (<c>kubernetes-library.mjs</c>), so a rule
/// the server would refuse with "found no matching overload" is refused here too.
/// </summary>
/// <remarks>
/// Thread-safe: requests are serialized over the one process. The packages come from <c>package-lock.json</c>
/// beside this file (<c>./test</c> runs <c>npm ci</c> there). The process ends with the test process (its stdin
/// closes).
/// </remarks>
public sealed class CelEngine : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private static readonly Lazy<CelEngine> SharedEngine = new(Start);

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();
    private readonly ConditionalWeakTable<JsonObject, ConcurrentDictionary<(string Expression, bool Root, string Output), CelProgram>> _programs = [];
    private long _nextId;

    private CelEngine(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        _process.BeginErrorReadLine();
    }

    /// <summary>One engine per test process, started on first use.</summary>
    public static CelEngine Shared => SharedEngine.Value;

    /// <summary>The folder of host.mjs and its package.json.</summary>
    public static string HostDirectory { get; } = FindHostDirectory();

    public static CelEngine Start()
    {
        if (!Directory.Exists(Path.Combine(HostDirectory, "node_modules", "@marcbachmann", "cel-js")))
        {
            throw new InvalidOperationException(
                $"{HostDirectory}/node_modules is missing: run `npm ci --prefix {HostDirectory}` (./test does) before the tests");
        }

        var start = new ProcessStartInfo("node", ["host.mjs"])
        {
            WorkingDirectory = HostDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        try
        {
            return new CelEngine(Process.Start(start) ?? throw new InvalidOperationException("node did not start"));
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("the CEL engine needs Node.js 20 or later (`node` on PATH): " + e.Message, e);
        }
    }

    /// <summary>
    /// Compiles <paramref name="rule"/> with <c>self</c> typed from <paramref name="schema"/>, the structural
    /// schema at the rule's location (the resource root when <paramref name="isResourceRoot"/>, where apiVersion,
    /// kind and metadata.name/generateName are readable too). Compiled once per schema object and rule: the schema
    /// must not change afterwards.
    /// </summary>
    public CelProgram Compile(JsonObject schema, string rule, bool isResourceRoot = false) => CompileCached(schema, rule, isResourceRoot, "bool");

    /// <summary>
    /// Compiles a rule's <c>messageExpression</c>: as <see cref="Compile"/>, but the expression must be a string
    /// (run it with <see cref="CelProgram.EvaluateString"/>).
    /// </summary>
    public CelProgram CompileMessageExpression(JsonObject schema, string expression, bool isResourceRoot = false) =>
        CompileCached(schema, expression, isResourceRoot, "string");

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                Kill();
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    /// <summary>
    /// Runs compiled rules on several values in one round trip (every rule due in a written object, node by node):
    /// for each evaluation and each of its programs, in order, what <see cref="CelProgram.Evaluate"/> would give.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<CelResult>> EvaluateAll(IReadOnlyList<CelEvaluation> evaluations)
    {
        var jobs = new JsonArray();
        foreach (var evaluation in evaluations)
        {
            var job = new JsonObject
            {
                ["programs"] = new JsonArray(evaluation.Programs.Select(p => (JsonNode)p.Id(this)).ToArray()),
                ["self"] = evaluation.Self?.ToJsonString() ?? "null",
            };
            if (evaluation.OldSelf is not null && evaluation.Programs.Any(p => p.UsesOldSelf))
            {
                job["oldSelf"] = evaluation.OldSelf.ToJsonString();
            }

            jobs.Add(job);
        }

        if (jobs.Count == 0)
        {
            return [];
        }

        return Send(new JsonObject { ["op"] = "evaluateAll", ["jobs"] = jobs })["results"]!.AsArray()
            .Select(results => (IReadOnlyList<CelResult>)results!.AsArray()
                .Select(r => r!["error"] is { } error ? CelResult.Failed((string)error!) : CelResult.Of((bool)r["value"]!))
                .ToList())
            .ToList();
    }

    /// <returns>The engine's answer: <c>value</c> (of the program's output type) or <c>error</c>.</returns>
    internal JsonObject Evaluate(int program, JsonNode? self, JsonNode? oldSelf)
    {
        var request = new JsonObject
        {
            ["op"] = "evaluate",
            ["program"] = program,
            ["self"] = self?.ToJsonString() ?? "null",
        };
        if (oldSelf is not null)
        {
            request["oldSelf"] = oldSelf.ToJsonString();
        }

        return Send(request);
    }

    private CelProgram CompileCached(JsonObject schema, string expression, bool isResourceRoot, string output) =>
        _programs.GetOrCreateValue(schema).GetOrAdd((expression, isResourceRoot, output), key => CompileNew(schema, key.Expression, key.Root, key.Output));

    private CelProgram CompileNew(JsonObject schema, string rule, bool isResourceRoot, string output)
    {
        var answer = Send(new JsonObject
        {
            ["op"] = "compile",
            ["schema"] = schema.DeepClone(),
            ["root"] = isResourceRoot,
            ["rule"] = rule,
            ["output"] = output,
        });
        return answer["error"] is { } error
            ? new CelProgram(this, rule, null, (string)error!, null, false)
            : new CelProgram(this, rule, (int)answer["program"]!, null, (string?)answer["outputType"], (bool)answer["usesOldSelf"]!);
    }

    private JsonObject Send(JsonObject request)
    {
        lock (_gate)
        {
            var id = ++_nextId;
            request["id"] = id;
            string? line;
            var timedOut = false;
            try
            {
                _process.StandardInput.WriteLine(request.ToJsonString());
                _process.StandardInput.Flush();

                // A blocking read, not an async one waited on: callers block pool threads (the double evaluates
                // rules under its store's lock), and an async read then needs a free pool thread to complete,
                // which 64 concurrent writes starve for a minute. A hung engine is killed, which ends the read.
                using var watchdog = new Timer(
                    _ =>
                    {
                        timedOut = true;
                        Kill();
                    },
                    null,
                    RequestTimeout,
                    Timeout.InfiniteTimeSpan);
                line = _process.StandardOutput.ReadLine();
            }
            catch (IOException e)
            {
                throw Broken($"request {id} failed ({e.Message})");
            }

            if (line is null)
            {
                throw Broken(timedOut ? $"no answer to request {id} within {RequestTimeout.TotalSeconds:0} s: killed" : $"the engine exited before answering request {id}");
            }

            var answer = JsonNode.Parse(line)!.AsObject();
            if ((long?)answer["id"] != id)
            {
                throw Broken($"answer {answer["id"]} to request {id}");
            }

            if (answer["fault"] is { } fault)
            {
                throw new InvalidOperationException($"the CEL engine failed on {request["op"]}: {fault}");
            }

            return answer;
        }
    }

    private void Kill()
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private InvalidOperationException Broken(string what)
    {
        string stderr;
        lock (_stderr)
        {
            stderr = _stderr.ToString();
        }

        return new InvalidOperationException($"the CEL engine (node host.mjs) is broken: {what}\n{stderr}");
    }

    private static string FindHostDirectory([CallerFilePath] string sourceFile = "") => Path.GetDirectoryName(sourceFile)!;
}
