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
}
