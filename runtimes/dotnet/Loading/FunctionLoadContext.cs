using System.Reflection;
using System.Runtime.Loader;

namespace Serverless.Runtime.Dotnet.Loading;

/// <summary>
/// Loads a function and its NuGet dependencies (resolved through the function's deps.json) apart from
/// the host. Assemblies the host already has are left to the default context, so that
/// <c>HttpContext</c>, <c>IResult</c> and friends are the same types on both sides of the call.
/// </summary>
internal sealed class FunctionLoadContext : AssemblyLoadContext
{
    private readonly AssemblyDependencyResolver _resolver;
    private readonly IReadOnlySet<string> _hostAssemblies;

    public FunctionLoadContext(string mainAssemblyPath, IReadOnlySet<string> hostAssemblies)
        : base("function:" + Path.GetFileNameWithoutExtension(mainAssemblyPath), isCollectible: false)
    {
        _resolver = new AssemblyDependencyResolver(mainAssemblyPath);
        _hostAssemblies = hostAssemblies;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is null || _hostAssemblies.Contains(assemblyName.Name))
        {
            return null;
        }

        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
