using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace DotnetTest;

/// <summary>What a child process of the function inherits from the runtime: its signal mask and ignored signals.</summary>
public static class ChildSignals
{
    /// <summary>
    /// The status lines of a child, and the exit status a shell sees after sending SIGTERM to its own child:
    /// 143 when SIGTERM stops it, as it must; never, if the runtime left SIGTERM blocked or ignored for children.
    /// </summary>
    public static async Task<IResult> Report(CancellationToken cancellationToken)
    {
        var status = await RunAsync("cat", ["/proc/self/status"], cancellationToken);
        var fields = status.Split('\n')
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2 && parts[0] is "SigBlk" or "SigIgn")
            .ToDictionary(parts => parts[0], parts => parts[1].Trim(), StringComparer.Ordinal);
        var terminated = await RunAsync("sh", ["-c", "sleep 30 & child=$!; kill -TERM $child; wait $child; echo $?"], cancellationToken);
        return Results.Json(new Dictionary<string, object> { ["child"] = fields, ["terminated"] = terminated.Trim() });
    }

    private static async Task<string> RunAsync(string file, string[] arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("no process for " + file);
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return output;
    }
}
