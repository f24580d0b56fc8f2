using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Naming;

namespace Serverless.Core.Defaulting;

/// <summary>Fills a Revision's namespace when left out. Idempotent.</summary>
public static class RevisionDefaults
{
    public static void Apply(Revision revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        revision.Metadata ??= new V1ObjectMeta();
        if (string.IsNullOrEmpty(revision.Metadata.NamespaceProperty))
        {
            revision.Metadata.NamespaceProperty = Names.DefaultNamespace;
        }

        revision.Spec ??= new RevisionSpec();
    }
}
