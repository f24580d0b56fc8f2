using Serverless.KubeApiServer.Audit;

namespace Serverless.KubeApiServer.Tests.Rbac;

public sealed class RbacPolicyTests
{
    private const string Manifests = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: worker}
        rules:
          - apiGroups: [apps]
            resources: [deployments, deployments/scale]
            verbs: [get, patch]
          - apiGroups: [""]
            resources: [pods]
            verbs: [list]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: worker}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: worker}
        subjects: [{kind: ServiceAccount, name: worker, namespace: system}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: lease, namespace: system}
        rules:
          - apiGroups: [coordination.k8s.io]
            resources: [leases]
            verbs: [create]
          - apiGroups: [coordination.k8s.io]
            resources: [leases]
            resourceNames: [mine]
            verbs: [get, update]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: lease, namespace: system}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: lease}
        subjects: [{kind: ServiceAccount, name: worker, namespace: system}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: other}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: worker}
        subjects: [{kind: ServiceAccount, name: someone-else, namespace: system}]
        """;

    private static readonly RbacPolicy Policy = RbacPolicy.ForServiceAccount(Manifests, "system", "worker");

    [Theory]
    [InlineData("cluster role, any namespace", "get", "apps", "deployments", null, "team", "f", true)]
    [InlineData("subresource listed", "patch", "apps", "deployments", "scale", "team", "f", true)]
    [InlineData("subresource not listed", "patch", "apps", "deployments", "status", "team", "f", false)]
    [InlineData("verb not granted", "delete", "apps", "deployments", null, "team", "f", false)]
    [InlineData("wrong group", "get", "", "deployments", null, "team", "f", false)]
    [InlineData("core group", "list", "", "pods", null, "team", null, true)]
    [InlineData("role in its namespace", "create", "coordination.k8s.io", "leases", null, "system", null, true)]
    [InlineData("role outside its namespace", "create", "coordination.k8s.io", "leases", null, "team", null, false)]
    [InlineData("resourceNames match", "update", "coordination.k8s.io", "leases", null, "system", "mine", true)]
    [InlineData("resourceNames other name", "update", "coordination.k8s.io", "leases", null, "system", "theirs", false)]
    [InlineData("resourceNames never allow list", "list", "coordination.k8s.io", "leases", null, "system", null, false)]
    public void Allowing_Request_DecidesAsRbac(string label, string verb, string group, string resource, string? sub, string? ns, string? name, bool allowed)
    {
        var request = new AuditRecord("worker", verb, group, resource, sub, ns, name, 200);

        Assert.True(allowed == Policy.Allowing(request).Count > 0, label);
    }

    [Fact]
    public void ForServiceAccount_OtherSubjectsBindings_Ignored()
    {
        Assert.Equal(8, Policy.Grants.Count);
        Assert.Empty(RbacPolicy.ForServiceAccount(Manifests, "system", "nobody").Grants);
    }
}
