using System.Security.Cryptography;
using System.Text;
using Serverless.Core.Naming;

namespace Serverless.Cli.Triggers;

/// <summary>
/// The default name of the Trigger <c>func subscribe</c> creates: <c>{function}-{hash}</c>, where the hash
/// covers the broker and the filters, so subscribing again with the same filters updates the same Trigger
/// and different filters make a second one. Pure.
/// </summary>
internal static class TriggerNames
{
    private const int HashLength = 8;

    public static string For(string function, string broker, IReadOnlyDictionary<string, string> filters)
    {
        var canonical = new StringBuilder(broker).Append('\n');
        foreach (var (attribute, value) in filters.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            canonical.Append(attribute).Append('=').Append(value).Append('\n');
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))[..HashLength];

        // A DNS label is at most 63 characters: shorten the function part, never the hash.
        var prefix = function.Length > Names.MaxLabelLength - HashLength - 1 ? function[..(Names.MaxLabelLength - HashLength - 1)].TrimEnd('-') : function;
        return prefix + "-" + hash;
    }
}
