using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Schema;

namespace Serverless.KubeApiServer.Validation;

/// <summary>The rules due at one schema node of a written object, with the value there.</summary>
/// <param name="Rules">The node's rules the double runs for this value (not transition rules on create, not ratcheted ones).</param>
/// <param name="Self">The value at the rules' location.</param>
/// <param name="OldSelf">The stored value at the same location on an update, when there is one; null on create.</param>
/// <param name="Schema">The OpenAPI schema at the rules' location, as the CRD writes it (to type <c>self</c>).</param>
/// <param name="IsResourceRoot">The rules sit at the resource's root (or an embedded resource's), where
/// <c>self.apiVersion</c>, <c>self.kind</c> and <c>self.metadata.name</c> are readable too.</param>
public sealed record ValidationRuleSite(IReadOnlyList<ValidationRule> Rules, JsonNode Self, JsonNode? OldSelf, JsonObject Schema, bool IsResourceRoot);
