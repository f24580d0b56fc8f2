namespace Serverless.Backends.Local.Processes;

/// <summary>What <see cref="WorkloadPlanner"/> needs of one instance; <see cref="Sequence"/> grows with start order.</summary>
internal readonly record struct InstanceView(string Id, string Revision, LocalInstanceState State, long Sequence, int InFlight = 0);
