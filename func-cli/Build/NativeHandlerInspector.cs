using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Serverless.Cli.Build;

/// <summary>
/// Reads a compiled function's metadata (never loads or runs it) to learn what the native build's generated code must
/// call: whether the handler is a static or an instance method. Reports, before the minute of ahead-of-time compiling,
/// what the runtime would report at start: a missing type or method, overloads, a generic method or type.
/// </summary>
internal static class NativeHandlerInspector
{
    /// <returns>Whether the method is static.</returns>
    /// <exception cref="InvalidOperationException">The handler cannot be bound; the message says why.</exception>
    public static bool IsStatic(string assemblyPath, string typeName, string methodName)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
        {
            throw new InvalidOperationException($"{Path.GetFileName(assemblyPath)} is not a .NET assembly");
        }

        var reader = pe.GetMetadataReader();
        var type = FindType(reader, typeName)
            ?? throw new InvalidOperationException($"type \"{typeName}\" not found in {Path.GetFileName(assemblyPath)}");
        var definition = reader.GetTypeDefinition(type);
        if ((definition.Attributes & TypeAttributes.VisibilityMask) is not (TypeAttributes.Public or TypeAttributes.NestedPublic))
        {
            throw new InvalidOperationException($"type \"{typeName}\" is not public; the native build calls the handler from its own code");
        }

        if (definition.GetGenericParameters().Count > 0)
        {
            throw new InvalidOperationException($"type \"{typeName}\" is generic; a handler's type must be concrete");
        }

        var matches = definition.GetMethods()
            .Select(reader.GetMethodDefinition)
            .Where(m => reader.GetString(m.Name) == methodName
                && (m.Attributes & MethodAttributes.MemberAccessMask) == MethodAttributes.Public
                && (m.Attributes & MethodAttributes.SpecialName) == 0)
            .ToList();
        var method = matches.Count switch
        {
            0 => throw new InvalidOperationException($"public method \"{methodName}\" not found on type \"{typeName}\""),
            > 1 => throw new InvalidOperationException($"method \"{methodName}\" on type \"{typeName}\" has {matches.Count} public overloads; a handler method must be unique"),
            _ => matches[0],
        };
        if (method.GetGenericParameters().Count > 0)
        {
            throw new InvalidOperationException($"method \"{methodName}\" on type \"{typeName}\" is generic; a handler needs concrete parameter types");
        }

        var isStatic = (method.Attributes & MethodAttributes.Static) != 0;
        if (!isStatic && (definition.Attributes & TypeAttributes.Abstract) != 0)
        {
            throw new InvalidOperationException($"method \"{methodName}\" is an instance method, but type \"{typeName}\" is abstract and cannot be created");
        }

        return isStatic;
    }

    /// <summary>A type by its reflection name: <c>Namespace.Type</c>, <c>+</c> before nested types.</summary>
    private static TypeDefinitionHandle? FindType(MetadataReader reader, string typeName)
    {
        var path = typeName.Split('+');
        var dot = path[0].LastIndexOf('.');
        var (ns, name) = dot < 0 ? ("", path[0]) : (path[0][..dot], path[0][(dot + 1)..]);
        TypeDefinitionHandle? current = null;
        foreach (var handle in reader.TypeDefinitions)
        {
            var candidate = reader.GetTypeDefinition(handle);
            if (candidate.GetDeclaringType().IsNil && reader.GetString(candidate.Namespace) == ns && reader.GetString(candidate.Name) == name)
            {
                current = handle;
                break;
            }
        }

        foreach (var nested in path.Skip(1))
        {
            if (current is not { } parent)
            {
                return null;
            }

            current = reader.GetTypeDefinition(parent).GetNestedTypes()
                .Cast<TypeDefinitionHandle?>()
                .FirstOrDefault(h => reader.GetString(reader.GetTypeDefinition(h!.Value).Name) == nested);
        }

        return current;
    }
}
