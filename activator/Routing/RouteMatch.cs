using Microsoft.AspNetCore.Http;
using Serverless.Core.Contracts;

namespace Serverless.Activator.Routing;

/// <summary>
/// A request resolved to a function, with the path the instance sees and the prefix it was reached under; <see cref="Tag"/>
/// is the traffic tag of a <c>/{namespace}/{function}@{tag}/</c> URL.
/// </summary>
internal readonly record struct RouteMatch(FunctionKey Key, PathString InstancePath, PathString Prefix, string? Tag = null);
