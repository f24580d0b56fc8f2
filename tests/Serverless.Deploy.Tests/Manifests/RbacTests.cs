using k8s.Models;

namespace Serverless.Deploy.Tests.Manifests;

/// <summary>
/// The shape of the RBAC manifests. That the rules are exactly the calls the code makes is checked against the
/// code by the Kubernetes API double's tests; here: bindings resolve, and nothing is granted by wildcard.
/// </summary>
public sealed class RbacTests
{
    private static readonly string[] Components = ["controller", "activator", "autoscaler", "broker"];

    [Fact]
    public void Bindings_EveryComponent_BindsItsOwnServiceAccountToItsRoles()
    {
        var accounts = TypedManifests.OfType<V1ServiceAccount>().Select(a => a.Metadata.Name).Order(StringComparer.Ordinal);
        Assert.Equal(Components.Select(c => "serverless-" + c).Order(StringComparer.Ordinal), accounts);

        var clusterRoles = TypedManifests.OfType<V1ClusterRole>().ToDictionary(r => r.Metadata.Name);
        var roles = TypedManifests.OfType<V1Role>().ToDictionary(r => r.Metadata.Name);
        foreach (var binding in TypedManifests.OfType<V1ClusterRoleBinding>())
        {
            Assert.Equal("ClusterRole", binding.RoleRef.Kind);
            Assert.True(clusterRoles.ContainsKey(binding.RoleRef.Name), binding.Metadata.Name + ": no such ClusterRole");
            var subject = Assert.Single(binding.Subjects);
            Assert.Equal(("ServiceAccount", binding.RoleRef.Name, "serverless-system"), (subject.Kind, subject.Name, subject.NamespaceProperty));
        }

        foreach (var binding in TypedManifests.OfType<V1RoleBinding>())
        {
            Assert.Equal("Role", binding.RoleRef.Kind);
            Assert.True(roles.ContainsKey(binding.RoleRef.Name), binding.Metadata.Name + ": no such Role");
            Assert.Equal(binding.Metadata.NamespaceProperty, roles[binding.RoleRef.Name].Metadata.NamespaceProperty);
            var subject = Assert.Single(binding.Subjects);
            Assert.StartsWith(subject.Name, binding.RoleRef.Name, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Rules_NoRole_UsesWildcardsOrTouchesSecrets()
    {
        // The pool signing key's Roles are the one exception, checked whole below.
        var rules = TypedManifests.OfType<V1ClusterRole>().SelectMany(r => r.Rules.Select(rule => (r.Metadata.Name, rule)))
            .Concat(TypedManifests.OfType<V1Role>().Where(r => !PoolKeyRoles.Contains(r.Metadata.Name)).SelectMany(r => r.Rules.Select(rule => (r.Metadata.Name, rule))));

        Assert.All(rules, entry =>
        {
            var (role, rule) = entry;
            Assert.DoesNotContain("*", rule.Verbs);
            Assert.DoesNotContain("*", rule.Resources);
            Assert.DoesNotContain("*", rule.ApiGroups);
            Assert.DoesNotContain("secrets", rule.Resources);
            Assert.True(rule.NonResourceURLs is null, role + ": non-resource URLs");
        });
    }

    [Fact]
    public void LeaderElection_ControllerRole_ReachesOnlyItsOwnLeaseInServerlessSystem()
    {
        var role = Assert.Single(TypedManifests.OfType<V1Role>(), r => !PoolKeyRoles.Contains(r.Metadata.Name));
        var rules = role.Rules;
        const string lease = "serverless-controller";

        Assert.Equal(("serverless-controller-leader-election", "serverless-system"), (role.Metadata.Name, role.Metadata.NamespaceProperty));

        Assert.All(rules, r => Assert.Equal(["leases"], r.Resources));
        Assert.All(rules.Where(r => r.ResourceNames is null), r => Assert.Equal(["create"], r.Verbs));
        Assert.All(rules.Where(r => r.ResourceNames is not null), r => Assert.Equal([lease], r.ResourceNames));
    }

    /// <summary>
    /// Warm pools on Kubernetes: the only Secret any component reaches through the API is the pool signing key in
    /// serverless-system. The activator may get that one name; the controller may also create it (create cannot be
    /// limited by name). No list, no watch, no update, no other namespace.
    /// </summary>
    [Fact]
    public void PoolKey_Roles_ReachOnlyTheSigningKeySecretInServerlessSystem()
    {
        var roles = TypedManifests.OfType<V1Role>().Where(r => PoolKeyRoles.Contains(r.Metadata.Name)).ToDictionary(r => r.Metadata.Name);

        Assert.Equal(PoolKeyRoles.Order(), roles.Keys.Order());
        Assert.All(roles.Values, r => Assert.Equal("serverless-system", r.Metadata.NamespaceProperty));
        Assert.All(roles.Values.SelectMany(r => r.Rules), rule =>
        {
            Assert.Equal([""], rule.ApiGroups);
            Assert.Equal(["secrets"], rule.Resources);
        });
        Assert.All(roles.Values.SelectMany(r => r.Rules).Where(rule => rule.ResourceNames is not null), rule =>
        {
            Assert.Equal(["serverless-pool-signing-key"], rule.ResourceNames);
            Assert.Equal(["get"], rule.Verbs);
        });
        Assert.Equal(["get"], Assert.Single(roles["serverless-activator-pool-key"].Rules).Verbs);
        Assert.Equal(["create"], Assert.Single(roles["serverless-controller-pool-key"].Rules, rule => rule.ResourceNames is null).Verbs);
        Assert.Equal(2, roles["serverless-controller-pool-key"].Rules.Count);
    }

    private static readonly string[] PoolKeyRoles = ["serverless-activator-pool-key", "serverless-controller-pool-key"];
}
