using Serverless.Core.Api;

namespace Serverless.Eventing.Routing;

/// <summary>A Trigger of a broker as the ingress matches events against it.</summary>
internal sealed record TriggerEntry(string Key, TriggerSpec Spec);
