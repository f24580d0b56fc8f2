using System.Reflection;

namespace Serverless.Runtime.Dotnet.Loading;

/// <summary>A handler found in its assembly (<see cref="HandlerLoader.Locate"/>), not yet created nor bound.</summary>
internal sealed record HandlerTarget(HandlerName Name, Type Type, MethodInfo Method);
