namespace Serverless.Controller.Reconcilers.Function.Revisions;

/// <summary>What <see cref="RoutePlanner"/> needs for a gradual rollout.</summary>
/// <param name="Duration">The Function's rollout duration (its annotation, else the platform's <c>rollout-duration</c>); zero moves traffic at once.</param>
/// <param name="ReadyForShare">Whether a revision's instances are all ready for the share they have now (every desired instance ready, no failure).</param>
internal sealed record RolloutInput(TimeSpan Duration, DateTime Now, Func<string, bool> ReadyForShare);
