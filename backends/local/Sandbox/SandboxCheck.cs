using System.Diagnostics;
using Serverless.Backends.Local.Processes;

namespace Serverless.Backends.Local.Sandbox;

/// <summary>
/// At backend start: finds bubblewrap, decides how instances drop privileges, and runs a trivial command in the
/// same sandbox instances get. Anything wrong is a <see cref="SandboxUnavailableException"/>, never a silent
/// fallback to unsandboxed instances.
/// </summary>
internal static class SandboxCheck
{
    private static readonly TimeSpan TrialTimeout = TimeSpan.FromSeconds(30);

    public static SandboxProfile Prepare(SandboxOptions options, string? setprivPath, string stateDirectory)
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        var isRoot = NativeFiles.EffectiveUid() == 0;
        var facts = new SandboxFacts
        {
            Bwrap = ExecutableResolver.Resolve(options.BwrapPath, path) is { } found ? NativeFiles.RealPath(found) ?? found : null,
            IsRoot = isRoot,
            Setpriv = setprivPath,
            UnprivilegedUsernsClone = ReadOrNull("/proc/sys/kernel/unprivileged_userns_clone"),
            MaxUserNamespaces = ReadOrNull("/proc/sys/user/max_user_namespaces"),
            AppArmorRestrictsUserns = ReadOrNull("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"),
        };
        if (SandboxDiagnosis.Explain(facts) is { } missing)
        {
            throw new SandboxUnavailableException(missing);
        }

        var profile = new SandboxProfile(
            facts.Bwrap!,
            isRoot ? setprivPath : null,
            isRoot ? (options.Uid, options.Gid) : null,
            SystemMounts.Discover(),
            [Path.GetFullPath(stateDirectory)]);
        var (exitCode, error) = RunTrial(profile);
        if (SandboxDiagnosis.Explain(facts with { TrialExitCode = exitCode, TrialError = error }) is { } failed)
        {
            throw new SandboxUnavailableException(failed);
        }

        return profile;
    }

    /// <summary>Runs <c>true</c> in an instance's sandbox, its "artifact" a system folder the sandbox shows anyway.</summary>
    private static (int ExitCode, string Error) RunTrial(SandboxProfile profile)
    {
        var trueCommand = ExecutableResolver.Resolve("true", "/usr/bin:/bin") ?? "/bin/true";
        var runtime = new RuntimeInstallation(trueCommand, []);
        var argv = SandboxCommandBuilder.Build(profile.Layout(runtime, "/usr", null, null, null), trueCommand, []);
        var info = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in argv.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(info) ?? throw new InvalidOperationException("no process");
            var error = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TrialTimeout))
            {
                process.Kill(entireProcessTree: true);
                return (-1, $"no exit within {TrialTimeout.TotalSeconds:0} s");
            }

            return (process.ExitCode, error.GetAwaiter().GetResult());
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return (-1, e.Message);
        }
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
