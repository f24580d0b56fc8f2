using System.Text;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Naming;

namespace Serverless.Core.Validation;

/// <summary>The <c>metadata</c> rules shared by every namespaced kind.</summary>
internal static class MetadataValidator
{
    /// <summary>Kubernetes' limit on all annotation keys and values together.</summary>
    public const int MaxAnnotationsBytes = 256 * 1024;

    public static void Validate(V1ObjectMeta? metadata, ErrorList errors)
    {
        var path = new FieldPath("metadata");
        if (metadata is null)
        {
            errors.Required(path);
            return;
        }

        ValidateDnsLabel(metadata.Name, path.Child("name"), errors);
        ValidateDnsLabel(metadata.NamespaceProperty, path.Child("namespace"), errors);
        ValidateLabels(metadata.Labels, path.Child("labels"), errors);
        ValidateAnnotations(metadata.Annotations, path.Child("annotations"), errors);
    }

    /// <summary>
    /// <c>apiVersion</c> and <c>kind</c>: a body posted to the wrong collection (a Trigger sent as a Function) is
    /// refused rather than read field by field into the wrong type.
    /// </summary>
    public static void ValidateTypeMeta(string? apiVersion, string? kind, string expectedKind, ErrorList errors)
    {
        if (apiVersion != ApiGroup.ApiVersion)
        {
            errors.Unsupported(new FieldPath("apiVersion"), apiVersion, [ApiGroup.ApiVersion]);
        }

        if (kind != expectedKind)
        {
            errors.Unsupported(new FieldPath("kind"), kind, [expectedKind]);
        }
    }

    /// <summary>A required DNS-1123 label, the rule for names and namespaces that end up in hosts, paths and URLs.</summary>
    public static void ValidateDnsLabel(string? value, FieldPath path, ErrorList errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Required(path);
        }
        else if (!Names.IsDns1123Label(value))
        {
            errors.Add(path, Names.Dns1123LabelError(value));
        }
    }

    private static void ValidateLabels(IDictionary<string, string>? labels, FieldPath path, ErrorList errors)
    {
        if (labels is null)
        {
            return;
        }

        foreach (var (key, value) in labels)
        {
            if (Names.QualifiedNameError(key) is { } keyError)
            {
                errors.Add(path, $"key {ErrorList.Quote(key)}: {keyError}");
            }

            if (!Names.IsLabelValue(value))
            {
                errors.Add(
                    path.Key(key),
                    value.Length > Names.MaxLabelLength
                        ? $"must be no more than {Names.MaxLabelLength} characters (got {value.Length})"
                        : $"a label value must be empty or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (got {ErrorList.Quote(value)})");
            }
        }
    }

    private static void ValidateAnnotations(IDictionary<string, string>? annotations, FieldPath path, ErrorList errors)
    {
        if (annotations is null)
        {
            return;
        }

        long totalBytes = 0;
        foreach (var (key, value) in annotations)
        {
            if (Names.QualifiedNameError(key) is { } keyError)
            {
                errors.Add(path, $"key {ErrorList.Quote(key)}: {keyError}");
            }

            totalBytes += Encoding.UTF8.GetByteCount(key) + (value is null ? 0 : Encoding.UTF8.GetByteCount(value));
        }

        if (totalBytes > MaxAnnotationsBytes)
        {
            errors.Add(path, $"must have at most {MaxAnnotationsBytes} bytes in total (got {totalBytes})");
        }
    }
}
