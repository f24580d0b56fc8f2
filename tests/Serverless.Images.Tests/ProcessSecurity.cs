using System.Globalization;

namespace Serverless.Images.Tests;

/// <summary>
/// What the kernel says about a container's main process (<c>/proc/{pid}</c> seen from the host, so it holds for
/// any image, with or without a shell): who it runs as, what it may do, and whether its root is read-only.
/// </summary>
internal sealed record ProcessSecurity(
    int Uid,
    int Gid,
    ulong EffectiveCapabilities,
    ulong PermittedCapabilities,
    ulong BoundingCapabilities,
    bool NoNewPrivileges,
    int SeccompMode,
    bool ReadOnlyRoot)
{
    /// <summary><c>Seccomp:</c> in /proc/{pid}/status: 2 is a filter (the runtime's default profile), 0 none.</summary>
    public const int SeccompFilter = 2;

    public static ProcessSecurity Read(int pid)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status")
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1].Trim(), StringComparer.Ordinal);
        // mountinfo: "id parent major:minor root mount-point options …"; the container's root is mounted at "/".
        var root = File.ReadAllLines($"/proc/{pid}/mountinfo")
            .Select(line => line.Split(' '))
            .First(fields => fields[4] == "/");
        return new ProcessSecurity(
            Uid: FirstId(status["Uid"]),
            Gid: FirstId(status["Gid"]),
            EffectiveCapabilities: Hex(status["CapEff"]),
            PermittedCapabilities: Hex(status["CapPrm"]),
            BoundingCapabilities: Hex(status["CapBnd"]),
            NoNewPrivileges: status["NoNewPrivs"] == "1",
            SeccompMode: int.Parse(status["Seccomp"], CultureInfo.InvariantCulture),
            ReadOnlyRoot: root[5].Split(',').Contains("ro"));
    }

    private static int FirstId(string ids) => int.Parse(ids.Split('\t', ' ')[0], CultureInfo.InvariantCulture);

    private static ulong Hex(string value) => ulong.Parse(value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
