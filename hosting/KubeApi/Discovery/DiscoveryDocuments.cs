using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Resources;

namespace Serverless.Hosting.KubeApi.Discovery;

/// <summary>
/// The discovery documents kubectl and client libraries read, built from the resource types a server serves:
/// <c>/version</c>, <c>/api</c>, <c>/apis</c>, <c>/apis/{group}</c>, the resource lists, and aggregated discovery
/// (<c>apidiscovery.k8s.io</c> v2 and v2beta1).
/// </summary>
internal static class DiscoveryDocuments
{
    /// <param name="gitVersion">The server's own version string, e.g. <c>v1.32.0-kube-api-double</c>: the API level is 1.32.</param>
    public static JsonObject Version(string gitVersion) => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = gitVersion,
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2025-01-01T00:00:00Z",
        ["goVersion"] = "go1.23.0",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject ApiVersions(Uri server) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = server.Authority }),
    };

    public static JsonObject GroupList(IEnumerable<ResourceType> types) => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(Groups(types.Where(t => t.Group.Length > 0)).Select(g => (JsonNode?)Group(g.Key, g.Value)).ToArray()),
    };

    public static JsonObject? Group(IEnumerable<ResourceType> types, string group) =>
        Groups(types).TryGetValue(group, out var versions) ? WithHeader("APIGroup", Group(group, versions)) : null;

    public static JsonObject? ResourceList(IEnumerable<ResourceType> types, string group, string version)
    {
        var served = types.Where(t => t.Group == group && t.Version == version).OrderBy(t => t.Plural, StringComparer.Ordinal).ToList();
        if (served.Count == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var description in served.Select(ResourceDescriptions.Describe))
        {
            var type = description.Type;
            var resource = new JsonObject
            {
                ["name"] = type.Plural,
                ["singularName"] = description.Singular,
                ["namespaced"] = type.Namespaced,
                ["kind"] = type.Kind,
                ["verbs"] = Strings(description.Verbs),
            };
            if (description.ShortNames.Count > 0)
            {
                resource["shortNames"] = Strings(description.ShortNames);
            }

            if (description.Categories.Count > 0)
            {
                resource["categories"] = Strings(description.Categories);
            }

            resource["storageVersionHash"] = description.StorageVersionHash;
            resources.Add(resource);
            foreach (var sub in description.Subresources)
            {
                var entry = new JsonObject
                {
                    ["name"] = $"{type.Plural}/{sub.Name}",
                    ["singularName"] = "",
                    ["namespaced"] = type.Namespaced,
                };
                if (sub.Group != type.Group && sub.Group.Length > 0)
                {
                    entry["group"] = sub.Group;
                    entry["version"] = sub.Version;
                }

                entry["kind"] = sub.Kind;
                entry["verbs"] = Strings(sub.Verbs);
                resources.Add(entry);
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    /// <summary>Aggregated discovery for <c>/api</c> (<paramref name="core"/>) or <c>/apis</c>, in <c>apidiscovery.k8s.io/{discoveryVersion}</c>.</summary>
    public static JsonObject Aggregated(IEnumerable<ResourceType> types, bool core, string discoveryVersion)
    {
        var items = new JsonArray();
        foreach (var (group, versions) in Groups(types.Where(t => (t.Group.Length == 0) == core)))
        {
            var metadata = new JsonObject();
            if (group.Length > 0)
            {
                metadata["name"] = group;
            }

            metadata["creationTimestamp"] = null;
            items.Add(new JsonObject
            {
                ["metadata"] = metadata,
                ["versions"] = new JsonArray(versions.Select(v => (JsonNode?)new JsonObject
                {
                    ["version"] = v,
                    ["resources"] = new JsonArray(types
                        .Where(t => t.Group == group && t.Version == v)
                        .OrderBy(t => t.Plural, StringComparer.Ordinal)
                        .Select(t => (JsonNode?)AggregatedResource(ResourceDescriptions.Describe(t)))
                        .ToArray()),
                    ["freshness"] = "Current",
                }).ToArray()),
            });
        }

        return new JsonObject
        {
            ["kind"] = "APIGroupDiscoveryList",
            ["apiVersion"] = $"apidiscovery.k8s.io/{discoveryVersion}",
            ["metadata"] = new JsonObject(),
            ["items"] = items,
        };
    }

    private static JsonObject AggregatedResource(ResourceDescription description)
    {
        var type = description.Type;
        var resource = new JsonObject
        {
            ["resource"] = type.Plural,
            ["responseKind"] = Kind(description.IsCustomResource ? type.Group : "", description.IsCustomResource ? type.Version : "", type.Kind),
            ["scope"] = type.Namespaced ? "Namespaced" : "Cluster",
            ["singularResource"] = description.Singular,
            ["verbs"] = Strings(description.Verbs),
        };
        if (description.ShortNames.Count > 0)
        {
            resource["shortNames"] = Strings(description.ShortNames);
        }

        if (description.Categories.Count > 0)
        {
            resource["categories"] = Strings(description.Categories);
        }

        if (description.Subresources.Count > 0)
        {
            resource["subresources"] = new JsonArray(description.Subresources.Select(s => (JsonNode?)new JsonObject
            {
                ["subresource"] = s.Name,
                ["responseKind"] = Kind(s.Group, s.Version, s.Kind),
                ["verbs"] = Strings(s.Verbs),
            }).ToArray());
        }

        return resource;
    }

    private static JsonObject Kind(string group, string version, string kind) => new() { ["group"] = group, ["version"] = version, ["kind"] = kind };

    private static SortedDictionary<string, List<string>> Groups(IEnumerable<ResourceType> types)
    {
        var groups = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var type in types)
        {
            if (!groups.TryGetValue(type.Group, out var versions))
            {
                versions = [];
                groups[type.Group] = versions;
            }

            if (!versions.Contains(type.Version))
            {
                versions.Add(type.Version);
            }
        }

        return groups;
    }

    private static JsonObject Group(string group, List<string> versions)
    {
        JsonObject GroupVersion(string v) => new() { ["groupVersion"] = $"{group}/{v}", ["version"] = v };
        return new JsonObject
        {
            ["name"] = group,
            ["versions"] = new JsonArray(versions.Select(v => (JsonNode?)GroupVersion(v)).ToArray()),
            ["preferredVersion"] = GroupVersion(versions[0]),
        };
    }

    private static JsonObject WithHeader(string kind, JsonObject body)
    {
        var document = new JsonObject { ["kind"] = kind, ["apiVersion"] = "v1" };
        foreach (var (key, value) in body)
        {
            document[key] = value?.DeepClone();
        }

        return document;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
