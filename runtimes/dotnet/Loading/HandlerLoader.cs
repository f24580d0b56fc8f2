using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Runtime.Dotnet.Events;

namespace Serverless.Runtime.Dotnet.Loading;

/// <summary>
/// Finds <c>{functionPath}/{Assembly}.dll</c>, the type and the method, and binds the method with
/// ASP.NET Core minimal-API rules (<see cref="RequestDelegateFactory"/>). Everything that can go wrong
/// surfaces here, before the runtime listens, as a <see cref="HandlerLoadException"/>.
/// </summary>
internal sealed class HandlerLoader(IServiceProvider services)
{
    private const int MaxNamesListed = 8;

    public LoadedHandler Load(HandlerName name, string functionPath) => Bind(Locate(name, functionPath));

    /// <summary>
    /// The half of a load that needs no service: the assembly (with its deps.json), the type and the method. Runs no
    /// user code (no constructor, no static initializer), so a start runs it on another thread while the host builds.
    /// </summary>
    public static HandlerTarget Locate(HandlerName name, string functionPath)
    {
        var handler = name.ToString();
        if (LinkedFunction.IsLinked)
        {
            var linked = LinkedFunction.Load(name);
            var linkedType = FindType(handler, name, linked, "this native function");
            return new HandlerTarget(name, linkedType, FindMethod(handler, name, linkedType));
        }

        if (!Directory.Exists(functionPath))
        {
            throw new HandlerLoadException(handler, $"function directory {functionPath} does not exist");
        }

        var assemblyPath = Path.Combine(functionPath, name.AssemblyName + ".dll");
        if (!File.Exists(assemblyPath))
        {
            throw new HandlerLoadException(handler, $"assembly {name.AssemblyName}.dll not found in {functionPath} ({ListOrNone("assemblies there", AssembliesIn(handler, functionPath))})");
        }

        var assembly = LoadAssembly(handler, assemblyPath);
        var type = FindType(handler, name, assembly, assemblyPath);
        return new HandlerTarget(name, type, FindMethod(handler, name, type));
    }

    /// <summary>The half that needs the host's services: the instance (the user's constructor runs here) and the binding.</summary>
    public LoadedHandler Bind(HandlerTarget target)
    {
        var handler = target.Name.ToString();
        var instance = target.Method.IsStatic ? null : CreateInstance(handler, target.Type);
        var requestDelegate = Bind(handler, target.Method, instance);
        return new LoadedHandler(target.Name, target.Method, requestDelegate, instance);
    }

    private static Assembly LoadAssembly(string handler, string assemblyPath)
    {
        try
        {
            // The resolver reads the function's deps.json here; a malformed one fails now rather than at the first request.
            var context = new FunctionLoadContext(assemblyPath, HostAssemblies.Names);
            return context.LoadFromAssemblyPath(assemblyPath);
        }
        catch (BadImageFormatException ex)
        {
            throw new HandlerLoadException(handler, $"{assemblyPath} is not a .NET assembly: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new HandlerLoadException(handler, $"{assemblyPath} could not be loaded: {Describe(ex)}", ex);
        }
    }

    private static IEnumerable<string> AssembliesIn(string handler, string functionPath)
    {
        try
        {
            return Directory.EnumerateFiles(functionPath, "*.dll").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new HandlerLoadException(handler, $"function directory {functionPath} cannot be read: {Describe(ex)}", ex);
        }
    }

    private static Type FindType(string handler, HandlerName name, Assembly assembly, string assemblyPath)
    {
        Type? type;
        try
        {
            type = assembly.GetType(name.TypeName, throwOnError: false, ignoreCase: false);
        }
        catch (Exception ex) when (ex is TypeLoadException or FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            throw new HandlerLoadException(handler, $"type \"{name.TypeName}\" in {assemblyPath} could not be loaded: {Describe(ex)}", ex);
        }

        if (type is not null)
        {
            return type;
        }

        var nearest = assembly.GetType(name.TypeName, throwOnError: false, ignoreCase: true);
        var hint = nearest is not null ? $" (did you mean \"{nearest.FullName}\"?)" : "";
        throw new HandlerLoadException(handler, $"type \"{name.TypeName}\" not found in {assemblyPath}{hint}");
    }

    private static MethodInfo FindMethod(string handler, HandlerName name, Type type)
    {
        MethodInfo[] methods;
        try
        {
            methods = type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance);
        }
        catch (Exception ex) when (ex is TypeLoadException or FileNotFoundException or FileLoadException)
        {
            throw new HandlerLoadException(handler, $"methods of type \"{name.TypeName}\" could not be loaded: {Describe(ex)}", ex);
        }

        // Object's own methods (ToString, GetHashCode...) are never handlers.
        var candidates = methods.Where(m => m.DeclaringType != typeof(object) && !m.IsSpecialName).ToList();
        var matches = candidates.Where(m => string.Equals(m.Name, name.MethodName, StringComparison.Ordinal)).ToList();
        switch (matches.Count)
        {
            case 0:
                var available = candidates.Select(m => m.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
                throw new HandlerLoadException(handler, $"method \"{name.MethodName}\" not found on type \"{name.TypeName}\" ({ListOrNone("public methods", available)})");
            case > 1:
                throw new HandlerLoadException(handler, $"method \"{name.MethodName}\" on type \"{name.TypeName}\" has {matches.Count} public overloads; a handler method must be unique");
        }

        var method = matches[0];
        if (method.ContainsGenericParameters)
        {
            throw new HandlerLoadException(handler, $"method \"{name.MethodName}\" on type \"{name.TypeName}\" is generic; a handler needs concrete parameter types");
        }

        if (!method.IsStatic && (type.IsAbstract || type.ContainsGenericParameters))
        {
            throw new HandlerLoadException(handler, $"method \"{name.MethodName}\" is an instance method, but type \"{name.TypeName}\" is abstract or generic and cannot be created");
        }

        return method;
    }

    private object CreateInstance(string handler, Type type)
    {
        try
        {
            return ActivatorUtilities.CreateInstance(services, type);
        }
        catch (Exception ex)
        {
            // User code runs here (the constructor): anything can come out; report it with context.
            var inner = ex is TargetInvocationException { InnerException: { } cause } ? cause : ex;
            throw new HandlerLoadException(handler, $"creating \"{type.FullName}\" failed: {Describe(inner)}", inner);
        }
    }

    private RequestDelegate Bind(string handler, MethodInfo method, object? instance)
    {
        try
        {
            if (LinkedFunction.IsLinked)
            {
                return LinkedFunction.Bind(services, method, instance);
            }

            var options = new RequestDelegateFactoryOptions
            {
                ServiceProvider = services,
                // Binding failures (bad JSON, a missing required value) answer 400 rather than throwing.
                ThrowOnBadRequest = false,
                EndpointBuilder = CloudEventBinding.MayReturnEvent(method) ? EventReturningEndpoint(method) : null,
            };
            Func<HttpContext, object>? targetFactory = instance is null ? null : _ => instance;
            return RequestDelegateFactory.Create(method, targetFactory, options).RequestDelegate;
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or ArgumentException)
        {
            throw new HandlerLoadException(handler, $"method \"{method.Name}\" cannot be bound to a request: {ex.Message}", ex);
        }
    }

    /// <summary>An endpoint filter sees the returned value before minimal-API would serialize it as JSON.</summary>
    private static RouteEndpointBuilder EventReturningEndpoint(MethodInfo method)
    {
        var endpoint = new RouteEndpointBuilder(requestDelegate: null, RoutePatternFactory.Parse("/"), order: 0);
        endpoint.FilterFactories.Add(CloudEventBinding.ReturnedEventFilter(method));
        return endpoint;
    }

    private static string ListOrNone(string what, IEnumerable<string> names)
    {
        var list = names.Take(MaxNamesListed + 1).ToList();
        if (list.Count == 0)
        {
            return $"no {what}";
        }

        var shown = string.Join(", ", list.Take(MaxNamesListed));
        return list.Count > MaxNamesListed ? $"{what}: {shown}, ..." : $"{what}: {shown}";
    }

    private static string Describe(Exception ex) => $"{ex.GetType().Name}: {ex.Message}";
}
