using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Serverless.TestSupport;

/// <summary>
/// Checks an assembly's log event ids: no two <c>[LoggerMessage]</c> methods share an id, and when the assembly has
/// an event-id table (a static class named <c>*EventIds</c>), every id used is one of its constants and every
/// constant is used exactly once.
/// </summary>
public static class EventIdTable
{
    private const BindingFlags Everything =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;

    /// <summary>Every problem found, each naming the methods or constants; empty when the table holds.</summary>
    public static IReadOnlyList<string> Problems(Assembly assembly, bool requireTable = true)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var uses = assembly.GetTypes()
            .SelectMany(t => t.GetMethods(Everything))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(u => u.Attribute is not null)
            .Select(u => (Name: u.Method.DeclaringType!.Name + "." + u.Method.Name, u.Attribute!.EventId))
            .ToList();
        var problems = uses
            .GroupBy(u => u.EventId)
            .Where(g => g.Count() > 1)
            .Select(g => $"event id {g.Key} is used by {string.Join(", ", g.Select(u => u.Name).Order(StringComparer.Ordinal))}")
            .ToList();

        var tables = assembly.GetTypes().Where(t => t.IsAbstract && t.IsSealed && t.Name.EndsWith("EventIds", StringComparison.Ordinal)).ToList();
        if (tables.Count != 1)
        {
            if (requireTable || tables.Count > 1)
            {
                problems.Add($"{assembly.GetName().Name} has {tables.Count} event-id tables (*EventIds), expected one");
            }

            return problems;
        }

        var constants = tables[0].GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(int))
            .Select(f => (f.Name, Value: (int)f.GetRawConstantValue()!))
            .ToList();
        problems.AddRange(constants.GroupBy(c => c.Value).Where(g => g.Count() > 1)
            .Select(g => $"{tables[0].Name} gives {g.Key} to {string.Join(", ", g.Select(c => c.Name))}"));
        var used = uses.Select(u => u.EventId).ToHashSet();
        problems.AddRange(uses.Where(u => constants.All(c => c.Value != u.EventId))
            .Select(u => $"{u.Name} logs event id {u.EventId}, which {tables[0].Name} does not list"));
        problems.AddRange(constants.Where(c => !used.Contains(c.Value))
            .Select(c => $"{tables[0].Name}.{c.Name} ({c.Value}) is not used by any log message"));
        return problems;
    }
}
