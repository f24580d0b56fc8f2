using System.Runtime.InteropServices;
using System.Security;
using System.Text.RegularExpressions;
using Serverless.Cli.App;
using Serverless.Cli.Project;
using Serverless.Core.Defaulting;
using Serverless.Core.Workloads;

namespace Serverless.Cli.Build;

/// <summary>
/// <c>build.native</c>: compiles a C# function and the runtime together ahead of time (NativeAOT) into one executable,
/// <see cref="NativeFunctionManifest.DefaultEntry"/>, beside its <see cref="NativeFunctionManifest"/>. The function is
/// first published as usual (its errors read as always), its handler checked from the metadata, then a host project is
/// generated in the function's <c>obj/serverless-native/</c>: a reference to the function's project and to the runtime's IL
/// (<c>runtimes/dotnet-link</c>), and one line of code that maps the handler, which ASP.NET Core's request delegate
/// generator turns into binding code at compile time (the JIT host builds it from reflection at start instead).
/// </summary>
internal sealed partial class NativeFunctionBuild(ArtifactBuilder builder, Func<string, string?> environment)
{
    /// <summary>The runtime's assemblies the host project references, from <c>runtimes/dotnet-link</c>.</summary>
    private static readonly string[] LinkedAssemblies =
        ["Serverless.Runtime.Dotnet.dll", "CloudNative.CloudEvents.dll", "CloudNative.CloudEvents.SystemTextJson.dll"];

    /// <summary>Warnings shown at most; the rest are counted.</summary>
    private const int MaxWarningsShown = 10;

    /// <returns>
    /// The directory holding the artifact (the executable and the manifest, nothing else), and the compiler's trimming
    /// and AOT warnings about the function's own code: what may fail at run time natively.
    /// </returns>
    public async Task<(string Artifact, IReadOnlyList<string> Warnings)> BuildAsync(FunctionProject project, string directory, string workDirectory, CancellationToken cancellationToken)
    {
        var handler = project.Handler ?? FunctionDefaults.DefaultHandler(project.Runtime)
            ?? throw new CliException($"func.yaml of {project.Name} sets no handler; a native build compiles one in", "set `handler: Assembly::Namespace.Type::Method` in func.yaml");
        var parts = handler.Split("::");
        if (parts.Length != 3)
        {
            throw new CliException($"handler {handler} must be Assembly::Namespace.Type::Method for a native build");
        }

        var (assemblyName, typeName, methodName) = (parts[0], parts[1], parts[2]);
        var projectFile = ProjectFile(directory);
        var kit = LinkKit();

        var il = Path.Combine(workDirectory, "il");
        await builder.PublishAsync(directory, il, cancellationToken).ConfigureAwait(false);

        var assemblyPath = Path.Combine(il, assemblyName + ".dll");
        if (!File.Exists(assemblyPath))
        {
            throw new CliException($"handler {handler}: assembly {assemblyName}.dll is not in the build output of {projectFile}");
        }

        bool isStatic;
        try
        {
            isStatic = NativeHandlerInspector.IsStatic(assemblyPath, typeName, methodName);
        }
        catch (Exception ex) when (ex is InvalidOperationException or BadImageFormatException or IOException)
        {
            throw new CliException($"handler {handler}: {ex.Message}", "fix the handler in func.yaml or the code, then run `func deploy` again");
        }

        // In the function's own obj/, at a fixed path: the compiler records its inputs' paths, so a host project in a
        // fresh temporary directory made a different executable (and a new revision) from the same code every time.
        // The next build also starts from this one's intermediate files.
        var host = Path.Combine(directory, "obj", "serverless-native");
        Directory.CreateDirectory(host);
        await WriteIfChangedAsync(Path.Combine(host, "NativeFunction.csproj"), HostProject(projectFile, kit, assemblyName), cancellationToken).ConfigureAwait(false);
        await WriteIfChangedAsync(Path.Combine(host, "Program.cs"), HostProgram(handler, typeName, methodName, isStatic), cancellationToken).ConfigureAwait(false);

        var rid = RuntimeInformation.RuntimeIdentifier;
        var published = Path.Combine(workDirectory, "bin");
        var output = await builder.DotnetAsync(
            ["publish", Path.Combine(host, "NativeFunction.csproj"), "-c", "Release", "-r", rid, "-o", published, "--nologo"],
            $"the native (ahead-of-time) build of {directory} failed",
            "the output above says why: code native compilation does not support (loading assemblies at run time, "
                + "Reflection.Emit), the ILCompiler package missing (NuGet unreachable), or no C compiler to link with "
                + "(clang or gcc); remove `build: {native: true}` from func.yaml to deploy it JIT-compiled",
            cancellationToken).ConfigureAwait(false);

        var artifact = Path.Combine(workDirectory, "artifact");
        Directory.CreateDirectory(artifact);
        File.Move(Path.Combine(published, NativeFunctionManifest.DefaultEntry), Path.Combine(artifact, NativeFunctionManifest.DefaultEntry));
        var manifest = new NativeFunctionManifest(NativeFunctionManifest.DefaultEntry, rid, handler);
        await File.WriteAllTextAsync(Path.Combine(artifact, NativeFunctionManifest.FileName), manifest.ToJson(), cancellationToken).ConfigureAwait(false);
        return (artifact, AotWarnings(output, directory));
    }

    /// <summary>
    /// The compiler's trimming and AOT warnings (IL2xxx, IL3xxx) located in <paramref name="directory"/>, the function's
    /// source, with paths relative to it, each once: the runtime's own and the framework's are not the developer's.
    /// </summary>
    internal static IReadOnlyList<string> AotWarnings(IReadOnlyList<string> output, string directory)
    {
        var prefix = Path.GetFullPath(directory).TrimEnd('/') + "/";
        var warnings = output
            .Select(line => line.Trim())
            .Where(line => line.StartsWith(prefix, StringComparison.Ordinal) && AotWarning().IsMatch(line))
            .Select(line => ProjectSuffix().Replace(line[prefix.Length..], ""))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return warnings.Count <= MaxWarningsShown
            ? warnings
            : [.. warnings.Take(MaxWarningsShown), $"... and {warnings.Count - MaxWarningsShown} more"];
    }

    [GeneratedRegex(@"warning IL[23]\d{3}:")]
    private static partial Regex AotWarning();

    /// <summary>MSBuild's " [/path/to/project.csproj]" at the end of each line.</summary>
    [GeneratedRegex(@"\s\[[^\]]+\.csproj\]$")]
    private static partial Regex ProjectSuffix();

    /// <summary>Unchanged files keep their timestamps, which MSBuild's incremental build goes by.</summary>
    private static async Task WriteIfChangedAsync(string path, string text, CancellationToken cancellationToken)
    {
        if (!File.Exists(path) || await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) != text)
        {
            await File.WriteAllTextAsync(path, text, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string ProjectFile(string directory)
    {
        var projects = Directory.GetFiles(directory, "*.csproj");
        return projects.Length == 1
            ? projects[0]
            : throw new CliException(
                $"{directory} holds {projects.Length} .csproj files; a native build needs exactly one",
                "keep the function's project alone in its directory");
    }

    private string LinkKit()
    {
        var kit = Path.Combine(RuntimesDirectory.Resolve(environment), "dotnet-link");
        var missing = LinkedAssemblies.FirstOrDefault(name => !File.Exists(Path.Combine(kit, name)));
        return missing is null
            ? kit
            : throw new CliException($"the native build needs the runtime's assemblies in {kit} ({missing} is missing)", "run scripts/build");
    }

    /// <summary>
    /// The host project: the runtime's settings (workstation GC, no static web assets) plus NativeAOT. The function's
    /// assembly keeps all its metadata (the runtime finds the handler by reflection, as in the JIT host); reflection-based
    /// JSON stays on, as handlers written for the JIT host expect of <c>JsonSerializer</c>.
    /// </summary>
    internal static string HostProject(string projectFile, string kit, string assemblyName)
    {
        var references = string.Concat(LinkedAssemblies.Select(name =>
            $"    <Reference Include=\"{Xml(Path.Combine(kit, name))}\" />\n"));
        return $"""
            <Project>
              <!-- Generated by func for build.native; rewritten when it would differ. Nothing of the directories above it
                   (Directory.Build.props/targets, central package versions): the function's own project still has them. -->
              <PropertyGroup>
                <ImportDirectoryBuildProps>false</ImportDirectoryBuildProps>
                <ImportDirectoryBuildTargets>false</ImportDirectoryBuildTargets>
                <ImportDirectoryPackagesProps>false</ImportDirectoryPackagesProps>
              </PropertyGroup>
              <Import Project="Sdk.props" Sdk="Microsoft.NET.Sdk.Web" />
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <AssemblyName>{NativeFunctionManifest.DefaultEntry}</AssemblyName>
                <RootNamespace>ServerlessNativeFunction</RootNamespace>
                <ImplicitUsings>disable</ImplicitUsings>
                <Nullable>disable</Nullable>
                <PublishAot>true</PublishAot>
                <!-- As the runtime's own project: cultures from the locale, through ICU. -->
                <InvariantGlobalization>false</InvariantGlobalization>
                <JsonSerializerIsReflectionEnabledByDefault>true</JsonSerializerIsReflectionEnabledByDefault>
                <ServerGarbageCollection>false</ServerGarbageCollection>
                <ConcurrentGarbageCollection>false</ConcurrentGarbageCollection>
                <StaticWebAssetsEnabled>false</StaticWebAssetsEnabled>
                <IsTransformWebConfigDisabled>true</IsTransformWebConfigDisabled>
                <StripSymbols>true</StripSymbols>
                <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{Xml(projectFile)}" />
            {references}    <TrimmerRootAssembly Include="{Xml(assemblyName)}" />
                <!-- As the runtime's own project: idle thread-pool workers wait without spinning. -->
                <RuntimeHostConfigurationOption Include="System.Threading.ThreadPool.UnfairSemaphoreSpinLimit" Value="0" />
              </ItemGroup>
              <Import Project="Sdk.targets" Sdk="Microsoft.NET.Sdk.Web" />
            </Project>

            """;
    }

    /// <summary>
    /// One call: the runtime, given how to map the handler. The names are those of a type and method found in the
    /// function's metadata (<see cref="NativeHandlerInspector"/>), written as verbatim identifiers, so a keyword stays a name.
    /// </summary>
    internal static string HostProgram(string handler, string typeName, string methodName, bool isStatic)
    {
        var type = "global::" + string.Join('.', typeName.Split('.', '+').Select(part => "@" + part));
        var target = isStatic ? $"{type}.@{methodName}" : $"(({type})instance).@{methodName}";
        return $"""
            // Generated by func for build.native: the runtime with {handler} compiled in.
            using Microsoft.AspNetCore.Builder;

            return await global::Serverless.Runtime.Dotnet.Loading.LinkedFunction.RunAsync(
                static (endpoints, instance) => endpoints.Map("/", {target}));

            """;
    }

    private static string Xml(string text) => SecurityElement.Escape(text);
}
