using System.Runtime.InteropServices;

namespace Serverless.Hosting.Web.Servers;

internal static partial class NativeMethods
{
    /// <summary>dup(2): a second descriptor for the same open socket.</summary>
    [LibraryImport("libc", EntryPoint = "dup", SetLastError = true)]
    internal static partial int Dup(int fd);
}
