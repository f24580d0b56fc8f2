using Serverless.Hosting.KubeApi.Resources;
using Serverless.Hosting.KubeApi.Schema;

namespace Serverless.Hosting.KubeApi.Discovery;

/// <summary>
/// Discovery's view of what the double serves: CRDs from their definitions (verbs in the order the real server lists
/// them for custom resources), the built-in kinds from a table of their real names, limited to the subresources the
/// double serves.
/// </summary>
internal static class ResourceDescriptions
{
    private static readonly string[] CustomResourceVerbs = ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"];
    private static readonly string[] BuiltInVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    private static readonly string[] SubresourceVerbs = ["get", "patch", "update"];

    public static ResourceDescription Describe(ResourceType type)
    {
        if (CustomResourceDefinitions.For(type) is { } crd)
        {
            var subresources = new List<Subresource>();
            if (type.HasStatus)
            {
                subresources.Add(new Subresource("status", type.Group, type.Version, type.Kind, SubresourceVerbs));
            }

            if (type.Scale is not null)
            {
                subresources.Add(new Subresource("scale", "autoscaling", "v1", "Scale", SubresourceVerbs));
            }

            return new ResourceDescription(type, crd.Singular, crd.ShortNames, crd.Categories, CustomResourceVerbs, subresources, IsCustomResource: true);
        }

        var (shortNames, categories) = type.Plural switch
        {
            "namespaces" => ((string[])["ns"], (string[])[]),
            "configmaps" => (["cm"], []),
            "services" => (["svc"], ["all"]),
            "pods" => (["po"], ["all"]),
            "events" => (["ev"], []),
            "resourcequotas" => (["quota"], []),
            "limitranges" => (["limits"], []),
            "deployments" => (["deploy"], ["all"]),
            "replicasets" => (["rs"], ["all"]),
            _ => ([], []),
        };
        var builtIn = new List<Subresource>();
        if (type == ResourceTypes.Pods)
        {
            builtIn.Add(new Subresource("log", "", "", "Pod", ["get"]));
        }

        if (type.Scale is not null)
        {
            builtIn.Add(new Subresource("scale", "autoscaling", "v1", "Scale", SubresourceVerbs));
        }

        if (type.HasStatus)
        {
            builtIn.Add(new Subresource("status", "", "", type.Kind, SubresourceVerbs));
        }

        // Namespaces cannot be deleted as a collection.
        var verbs = type == ResourceTypes.Namespaces ? BuiltInVerbs.Where(v => v != "deletecollection").ToArray() : BuiltInVerbs;
        return new ResourceDescription(type, type.Kind.ToLowerInvariant(), shortNames, categories, verbs, builtIn, IsCustomResource: false);
    }
}
