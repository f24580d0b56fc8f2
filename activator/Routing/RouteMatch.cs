using Microsoft.AspNetCore.Http;
using Serverless.Core.Contracts;

namespace Serverless.Activator.Routing;

/// <summary>A request resolved to a function, with the path the instance sees and the prefix it was reached under.</summary>
internal readonly record struct RouteMatch(FunctionKey Key, PathString InstancePath, PathString Prefix);
