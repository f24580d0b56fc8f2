namespace Serverless.Hosting.KubeApi.Discovery;

/// <summary>A subresource as discovery lists it; <see cref="Group"/>/<see cref="Version"/>/<see cref="Kind"/> is what it answers with.</summary>
internal sealed record Subresource(string Name, string Group, string Version, string Kind, IReadOnlyList<string> Verbs);
