using System.Globalization;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Naming;
using Serverless.Core.Serialization;

namespace Serverless.Controller.Reconcilers.Function.Revisions;

/// <summary>
/// Knative's <c>MakeRevision</c>: the Revision of a Function's current spec, and the way back from a Revision to the
/// Function whose workload runs it (a rollback runs the old revision's fields, with today's scale settings).
/// </summary>
internal static class RevisionBuilder
{
    public static Revision Build(Core.Api.Function function, string contentHash)
    {
        var spec = ResourceJson.Clone(function.Spec);
        var generation = function.Metadata.Generation ?? 1;
        var name = function.Metadata.Name;
        return new Revision
        {
            Metadata = new V1ObjectMeta
            {
                Name = RevisionNames.Name(name, generation),
                NamespaceProperty = function.Metadata.NamespaceProperty,
                Labels = new Dictionary<string, string>
                {
                    [RevisionNames.FunctionLabel] = name,
                    [RevisionNames.GenerationLabel] = generation.ToString(CultureInfo.InvariantCulture),
                },
                OwnerReferences =
                [
                    new V1OwnerReference
                    {
                        ApiVersion = ApiGroup.ApiVersion,
                        Kind = Core.Api.Function.KindName,
                        Name = name,
                        Uid = function.Metadata.Uid,
                        Controller = true,
                        BlockOwnerDeletion = true,
                    },
                ],
            },
            Spec = new RevisionSpec
            {
                Function = name,
                ContentHash = contentHash,
                Runtime = spec.Runtime,
                Handler = spec.Handler,
                Image = spec.Image,
                Source = spec.Source,
                Env = spec.Env,
                Resources = spec.Resources,
                TimeoutSeconds = spec.TimeoutSeconds,
                ContainerConcurrency = spec.Scale?.ContainerConcurrency,
            },
        };
    }

    /// <summary>A copy of <paramref name="function"/> whose instance fields are <paramref name="revision"/>'s; scale bounds stay the Function's.</summary>
    public static Core.Api.Function AsFunction(Core.Api.Function function, Revision revision)
    {
        var copy = ResourceJson.Clone(function);
        var spec = ResourceJson.Clone(revision.Spec);
        copy.Spec.Runtime = spec.Runtime;
        copy.Spec.Handler = spec.Handler;
        copy.Spec.Image = spec.Image;
        copy.Spec.Source = spec.Source;
        copy.Spec.Env = spec.Env;
        copy.Spec.Resources = spec.Resources;
        copy.Spec.TimeoutSeconds = spec.TimeoutSeconds;
        (copy.Spec.Scale ??= new ScaleSpec()).ContainerConcurrency = spec.ContainerConcurrency;
        return copy;
    }

    /// <summary>The Function generation a Revision was cut from: its label, else its name's suffix; 0 when neither reads.</summary>
    public static long Generation(Revision revision)
    {
        if (revision.Metadata.Labels?.TryGetValue(RevisionNames.GenerationLabel, out var label) == true
            && long.TryParse(label, NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
        {
            return generation;
        }

        var name = revision.Metadata.Name ?? "";
        var dash = name.LastIndexOf('-');
        return dash >= 0 && long.TryParse(name.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out generation) ? generation : 0;
    }
}
