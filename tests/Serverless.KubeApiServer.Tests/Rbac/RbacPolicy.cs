using k8s;
using k8s.Models;
using Serverless.KubeApiServer.Audit;

namespace Serverless.KubeApiServer.Tests.Rbac;

/// <summary>
/// The permissions RBAC gives one ServiceAccount, read from manifests, and the authorizer's decision for a
/// request: a grant matches when group, resource (with subresource), verb and namespace match and, when it
/// names resources, the request names one of them (so a resourceNames rule never allows list, watch or create).
/// </summary>
public sealed class RbacPolicy
{
    private RbacPolicy(IReadOnlyList<RbacGrant> grants)
    {
        Grants = grants;
    }

    public IReadOnlyList<RbacGrant> Grants { get; }

    /// <summary>The grants bound to <c>system:serviceaccount:{namespace}:{account}</c> by the manifests' bindings.</summary>
    public static RbacPolicy ForServiceAccount(string yaml, string @namespace, string account)
    {
        var objects = KubernetesYaml.LoadAllFromString(yaml);
        var clusterRoles = objects.OfType<V1ClusterRole>().ToDictionary(r => r.Metadata.Name);
        var roles = objects.OfType<V1Role>().ToDictionary(r => (r.Metadata.NamespaceProperty, r.Metadata.Name));
        var grants = new List<RbacGrant>();

        bool Binds(IList<Rbacv1Subject>? subjects) =>
            subjects?.Any(s => s.Kind == "ServiceAccount" && s.Name == account && s.NamespaceProperty == @namespace) == true;

        foreach (var binding in objects.OfType<V1ClusterRoleBinding>().Where(b => Binds(b.Subjects)))
        {
            if (clusterRoles.TryGetValue(binding.RoleRef.Name, out var role))
            {
                grants.AddRange(Expand(role.Rules, $"ClusterRole {role.Metadata.Name}", null));
            }
        }

        foreach (var binding in objects.OfType<V1RoleBinding>().Where(b => Binds(b.Subjects)))
        {
            var ns = binding.Metadata.NamespaceProperty;
            var rules = binding.RoleRef.Kind == "ClusterRole"
                ? clusterRoles.GetValueOrDefault(binding.RoleRef.Name)?.Rules
                : roles.GetValueOrDefault((ns, binding.RoleRef.Name))?.Rules;
            grants.AddRange(Expand(rules, $"{binding.RoleRef.Kind} {binding.RoleRef.Name}", ns));
        }

        return new RbacPolicy(grants);
    }

    public static RbacPolicy FromGrants(IReadOnlyList<RbacGrant> grants) => new(grants);

    /// <summary>The grants that allow the request; empty when RBAC would answer 403.</summary>
    public IReadOnlyList<RbacGrant> Allowing(AuditRecord request) =>
        Grants.Where(g => Matches(g, request)).ToList();

    private static bool Matches(RbacGrant grant, AuditRecord request) =>
        (grant.ApiGroup == "*" || grant.ApiGroup == request.ApiGroup)
        && (grant.Resource == "*" || grant.Resource == request.ResourcePath)
        && (grant.Verb == "*" || grant.Verb == request.Verb)
        && (grant.Namespace is null || grant.Namespace == request.Namespace)
        && (grant.ResourceNames.Count == 0 || (request.Name is not null && grant.ResourceNames.Contains(request.Name)));

    private static IEnumerable<RbacGrant> Expand(IList<V1PolicyRule>? rules, string source, string? @namespace) =>
        from rule in rules ?? []
        from apiGroup in rule.ApiGroups ?? [""]
        from resource in rule.Resources ?? []
        from verb in rule.Verbs ?? []
        select new RbacGrant(source, apiGroup, resource, verb, rule.ResourceNames?.ToList() ?? [], @namespace);
}
