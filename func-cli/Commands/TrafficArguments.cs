using System.Globalization;
using Serverless.Core.Api;

namespace Serverless.Cli.Commands;

/// <summary>
/// <c>func traffic NAME set</c>'s words, pure: <c>REVISION=PERCENT</c> (<c>@latest</c> follows the latest ready
/// revision) and <c>--tag TAG=REVISION</c>, which tags a split target or adds a 0% one. The server validates the rest
/// (percents summing to 100, tag rules) and answers with field paths.
/// </summary>
internal static class TrafficArguments
{
    public const string Latest = "@latest";

    /// <returns>The targets, or null with <paramref name="error"/> set.</returns>
    public static List<TrafficTarget>? Parse(IReadOnlyList<string> splits, IReadOnlyList<string> tags, out string? error)
    {
        error = null;
        var targets = new List<TrafficTarget>();
        foreach (var split in splits)
        {
            var eq = split.LastIndexOf('=');
            if (eq <= 0 || !int.TryParse(split.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var percent))
            {
                error = $"\"{split}\": give REVISION=PERCENT, e.g. hello-00002=10 or {Latest}=90";
                return null;
            }

            targets.Add(Target(split[..eq], percent));
        }

        foreach (var tag in tags)
        {
            var eq = tag.IndexOf('=');
            if (eq <= 0 || eq == tag.Length - 1)
            {
                error = $"--tag \"{tag}\": give TAG=REVISION, e.g. canary=hello-00002 or next={Latest}";
                return null;
            }

            var (name, revision) = (tag[..eq], tag[(eq + 1)..]);
            var existing = targets.FirstOrDefault(t => t.Tag is null && Same(t, revision));
            if (existing is not null)
            {
                existing.Tag = name;
            }
            else
            {
                var added = Target(revision, 0);
                added.Tag = name;
                targets.Add(added);
            }
        }

        return targets;
    }

    private static TrafficTarget Target(string revision, int percent) => revision == Latest
        ? new TrafficTarget { LatestRevision = true, Percent = percent }
        : new TrafficTarget { RevisionName = revision, Percent = percent };

    private static bool Same(TrafficTarget target, string revision) =>
        revision == Latest ? target.LatestRevision == true : target.RevisionName == revision;
}
