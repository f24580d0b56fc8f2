using Serverless.Core.Api;

namespace Serverless.Controller.Reconcilers.Function.Revisions;

/// <summary>
/// A Revision store that can list one Function's Revisions without copying its whole namespace's: the Kubernetes
/// controller's cached store, where a pass at 100 Functions a namespace cloned 100 Revisions to keep its own few.
/// </summary>
public interface IFunctionRevisionLister
{
    /// <summary>Copies (the caller may change them) of the Revisions labelled with <paramref name="function"/>, in any order.</summary>
    IReadOnlyList<Revision> ListOf(string @namespace, string function);
}
