using Serverless.Autoscaler.Scaling;

namespace Serverless.Autoscaler.Tests.Scaling;

/// <summary>One decision of a <see cref="KpaSimulation"/>, with the ready count it was taken on.</summary>
internal readonly record struct SimulatedTick(int DesiredScale, bool InPanic, int DesiredPanicPods, int ReadyBefore, ScaleReason Reason);
