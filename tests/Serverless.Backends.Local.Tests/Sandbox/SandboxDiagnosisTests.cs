using Serverless.Backends.Local.Sandbox;

namespace Serverless.Backends.Local.Tests.Sandbox;

public sealed class SandboxDiagnosisTests
{
    private static readonly SandboxFacts Working = new() { Bwrap = "/usr/bin/bwrap", IsRoot = true, Setpriv = "/usr/bin/setpriv", TrialExitCode = 0 };

    private static readonly Dictionary<string, SandboxFacts> Cases = new()
    {
        ["no bwrap"] = Working with { Bwrap = null },
        ["root without setpriv"] = Working with { Setpriv = null },
        ["debian switch off"] = Working with { IsRoot = false, TrialExitCode = 1, UnprivilegedUsernsClone = "0\n" },
        ["no user namespaces"] = Working with { IsRoot = false, TrialExitCode = 1, MaxUserNamespaces = "0\n" },
        ["apparmor"] = Working with { IsRoot = false, TrialExitCode = 1, AppArmorRestrictsUserns = "1\n" },
        ["other failure"] = Working with { TrialExitCode = 1, TrialError = "bwrap: Can't mount proc on /newroot/proc: Operation not permitted\n" },
    };

    [Theory]
    [InlineData("no bwrap", "apt-get install bubblewrap")]
    [InlineData("root without setpriv", "setpriv (util-linux)")]
    [InlineData("debian switch off", "sysctl -w kernel.unprivileged_userns_clone=1")]
    [InlineData("no user namespaces", "sysctl -w user.max_user_namespaces=15000")]
    [InlineData("apparmor", "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0")]
    [InlineData("other failure", "exit code 1 (bwrap: Can't mount proc on /newroot/proc: Operation not permitted)")]
    public void Explain_Broken_NamesTheFixAndHowToTurnTheSandboxOff(string label, string expected)
    {
        var message = SandboxDiagnosis.Explain(Cases[label]);

        Assert.NotNull(message);
        Assert.True(message.Contains(expected, StringComparison.Ordinal), $"{label}: {message}");
        Assert.Contains("func up --no-sandbox", message, StringComparison.Ordinal);
        Assert.Contains("{\"local\": {\"sandbox\": false}}", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_Working_Null()
    {
        Assert.Null(SandboxDiagnosis.Explain(Working));
        Assert.Null(SandboxDiagnosis.Explain(Working with { TrialExitCode = null })); // before the trial ran
        Assert.Null(SandboxDiagnosis.Explain(Working with { IsRoot = false, Setpriv = null })); // setpriv is needed only as root
    }

    [Fact]
    public void Explain_RootWithUserNamespacesOff_NotBlamedOnThem()
    {
        // As root bubblewrap needs no user namespace: the sysctls are not the cause.
        var message = SandboxDiagnosis.Explain(Working with { TrialExitCode = 1, MaxUserNamespaces = "0" });

        Assert.NotNull(message);
        Assert.DoesNotContain("max_user_namespaces", message, StringComparison.Ordinal);
    }
}
