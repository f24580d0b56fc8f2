using System.Text.Json.Nodes;

namespace Serverless.Hosting.KubeApi.Fields;

/// <summary>
/// A set of field paths, as structured-merge-diff keeps them per manager and FieldsV1 encodes them: a tree whose
/// edges are path elements (<c>f:name</c>, <c>k:{"type":"Ready"}</c>, <c>v:"x"</c>, <c>i:0</c>) and whose nodes are
/// members of the set or only on the way to members. In FieldsV1 a member with children carries <c>".": {}</c>.
/// </summary>
/// <remarks>Not thread-safe; sets are built, combined and encoded under the store's lock.</remarks>
internal sealed class FieldSet
{
    private readonly SortedDictionary<string, FieldSet> _children = new(StringComparer.Ordinal);

    /// <summary>Whether the path leading to this node is itself a member.</summary>
    public bool IsMember { get; private set; }

    public bool IsEmpty => !IsMember && _children.Values.All(c => c.IsEmpty);

    public void Add(IReadOnlyList<string> path)
    {
        var node = this;
        foreach (var element in path)
        {
            if (!node._children.TryGetValue(element, out var child))
            {
                child = new FieldSet();
                node._children[element] = child;
            }

            node = child;
        }

        node.IsMember = true;
    }

    public bool Contains(IReadOnlyList<string> path)
    {
        var node = this;
        foreach (var element in path)
        {
            if (!node._children.TryGetValue(element, out node))
            {
                return false;
            }
        }

        return node.IsMember;
    }

    /// <summary>Whether <paramref name="path"/> or any path below it is a member.</summary>
    public bool ContainsAtOrBelow(IReadOnlyList<string> path)
    {
        var node = this;
        foreach (var element in path)
        {
            if (!node._children.TryGetValue(element, out node))
            {
                return false;
            }
        }

        return !node.IsEmpty;
    }

    /// <summary>Every member path, parents before children, in element order.</summary>
    public IEnumerable<IReadOnlyList<string>> Paths()
    {
        var found = new List<IReadOnlyList<string>>();
        Collect([], found);
        return found;
    }

    /// <summary>The node for <paramref name="element"/> below this one, created (as a non-member) when missing.</summary>
    public FieldSet Child(string element)
    {
        if (!_children.TryGetValue(element, out var child))
        {
            child = new FieldSet();
            _children[element] = child;
        }

        return child;
    }

    public void MarkMember() => IsMember = true;

    // The set operations walk both trees once (they run on every write, for every manager).
    public FieldSet Union(FieldSet other)
    {
        var result = new FieldSet { IsMember = IsMember || other.IsMember };
        foreach (var (element, child) in _children)
        {
            result._children[element] = other._children.TryGetValue(element, out var theirs) ? child.Union(theirs) : child.Copy();
        }

        foreach (var (element, child) in other._children.Where(c => !_children.ContainsKey(c.Key)))
        {
            result._children[element] = child.Copy();
        }

        return result;
    }

    public FieldSet Except(FieldSet other)
    {
        var result = new FieldSet { IsMember = IsMember && !other.IsMember };
        foreach (var (element, child) in _children)
        {
            var rest = other._children.TryGetValue(element, out var theirs) ? child.Except(theirs) : child.Copy();
            if (!rest.IsEmpty)
            {
                result._children[element] = rest;
            }
        }

        return result;
    }

    public FieldSet Intersect(FieldSet other)
    {
        var result = new FieldSet { IsMember = IsMember && other.IsMember };
        foreach (var (element, child) in _children)
        {
            if (other._children.TryGetValue(element, out var theirs) && child.Intersect(theirs) is { IsEmpty: false } common)
            {
                result._children[element] = common;
            }
        }

        return result;
    }

    /// <summary>Whether both sets have the same members.</summary>
    public bool SetEquals(FieldSet other)
    {
        if (IsMember != other.IsMember)
        {
            return false;
        }

        var mine = _children.Where(c => !c.Value.IsEmpty).ToList();
        var theirs = other._children.Where(c => !c.Value.IsEmpty).ToList();
        return mine.Count == theirs.Count
            && mine.All(c => other._children.TryGetValue(c.Key, out var match) && c.Value.SetEquals(match));
    }

    public static FieldSet FromPaths(IEnumerable<IReadOnlyList<string>> paths)
    {
        var set = new FieldSet();
        foreach (var path in paths)
        {
            set.Add(path);
        }

        return set;
    }

    /// <summary>The FieldsV1 form: <c>{"f:spec":{".":{},"f:image":{}}}</c>.</summary>
    public JsonObject ToFieldsV1()
    {
        var obj = new JsonObject();
        if (IsMember && _children.Count > 0)
        {
            obj["."] = new JsonObject();
        }

        foreach (var (element, child) in _children.Where(c => !c.Value.IsEmpty))
        {
            obj[element] = child.ToFieldsV1();
        }

        return obj;
    }

    public static FieldSet FromFieldsV1(JsonObject? fields)
    {
        var set = new FieldSet();
        Read(set, fields);
        return set;
    }

    private static void Read(FieldSet node, JsonObject? fields)
    {
        foreach (var (element, value) in fields ?? [])
        {
            if (element == ".")
            {
                node.IsMember = true;
                continue;
            }

            var child = new FieldSet();
            node._children[element] = child;
            if (value is not JsonObject inner || inner.Count == 0)
            {
                child.IsMember = true;
            }
            else
            {
                Read(child, inner);
            }
        }
    }

    private FieldSet Copy()
    {
        var copy = new FieldSet { IsMember = IsMember };
        foreach (var (element, child) in _children)
        {
            copy._children[element] = child.Copy();
        }

        return copy;
    }

    private void Collect(List<string> prefix, List<IReadOnlyList<string>> found)
    {
        foreach (var (element, child) in _children)
        {
            prefix.Add(element);
            if (child.IsMember)
            {
                found.Add(prefix.ToArray());
            }

            child.Collect(prefix, found);
            prefix.RemoveAt(prefix.Count - 1);
        }
    }
}
