using Serverless.Core.Api;
using Serverless.Core.Naming;

namespace Serverless.Core.Validation;

/// <summary>
/// Checks a Revision written through the admin API. The controller writes them; the name is a DNS-1123 subdomain as the
/// API server allows for custom resources, since <c>{function}-00001</c> of a 63-character function is longer than a label.
/// </summary>
public static class RevisionValidator
{
    public static IReadOnlyList<ValidationError> Validate(Revision revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        var errors = new ErrorList();
        MetadataValidator.ValidateTypeMeta(revision.ApiVersion, revision.Kind, Revision.KindName, errors);
        var metadata = new FieldPath("metadata");
        if (revision.Metadata is null)
        {
            errors.Required(metadata);
            return errors.ToList();
        }

        if (!Names.IsDns1123Subdomain(revision.Metadata.Name))
        {
            errors.Add(metadata.Child("name"), Names.Dns1123SubdomainError(revision.Metadata.Name));
        }

        if (!Names.IsDns1123Label(revision.Metadata.NamespaceProperty))
        {
            errors.Add(metadata.Child("namespace"), Names.Dns1123LabelError(revision.Metadata.NamespaceProperty));
        }

        var spec = new FieldPath("spec");
        if (revision.Spec is null)
        {
            errors.Required(spec);
        }
        else if (!Names.IsDns1123Label(revision.Spec.Function))
        {
            errors.Add(spec.Child("function"), Names.Dns1123LabelError(revision.Spec.Function));
        }

        return errors.ToList();
    }

    /// <summary>The message of an update that changes a Revision's spec, as the CRD's <c>self == oldSelf</c> rule says it.</summary>
    public const string ImmutableSpec = "is immutable: a Revision is a snapshot of what a Function's instances ran; a change to the Function cuts a new Revision";

    /// <summary>
    /// Checks an update against the stored Revision: its spec never changes (Knative's Revisions are immutable too);
    /// metadata such as labels may. Defaults are applied to both before they are compared.
    /// </summary>
    public static IReadOnlyList<ValidationError> ValidateUpdate(Revision current, Revision updated)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(updated);
        var errors = new ErrorList();
        if (Serialization.ResourceJson.Serialize(current.Spec ?? new RevisionSpec()) != Serialization.ResourceJson.Serialize(updated.Spec ?? new RevisionSpec()))
        {
            errors.Add(new FieldPath("spec"), ImmutableSpec);
        }

        return errors.ToList();
    }
}
