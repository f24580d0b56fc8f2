using System.Runtime.InteropServices;

namespace Serverless.Backends.Local.Sandbox;

/// <summary>The few libc calls .NET has no API for: realpath, pipes a child inherits, the effective uid, hard links.</summary>
internal static class NativeFiles
{
    private const int OCloexec = 0x80000;
    private const int FGetfd = 1;
    private const int FSetfd = 2;
    private const int FdCloexec = 1;

    /// <summary>The effective uid of this process (0 when the platform runs as root).</summary>
    public static int EffectiveUid() => (int)GetEuid();

    /// <summary>The canonical path, every symlink in every component resolved; null when it does not exist.</summary>
    public static string? RealPath(string path)
    {
        var resolved = RealPathNative(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }

    /// <summary>A pipe whose two ends are closed on exec; <see cref="SetInheritable"/> opens one for a child.</summary>
    public static (int Read, int Write) CreatePipe()
    {
        var fds = new int[2];
        if (Pipe2(fds, OCloexec) != 0)
        {
            throw new IOException($"pipe2 failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return (fds[0], fds[1]);
    }

    public static void SetInheritable(int fd, bool inheritable)
    {
        var flags = Fcntl(fd, FGetfd, 0);
        if (flags < 0 || Fcntl(fd, FSetfd, inheritable ? flags & ~FdCloexec : flags | FdCloexec) < 0)
        {
            throw new IOException($"fcntl on fd {fd} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public static void Close(int fd) => _ = CloseNative(fd);

    /// <summary>
    /// A hard link at <paramref name="newPath"/> to <paramref name="existingPath"/> (not following a symlink there);
    /// false with the errno when the kernel refuses (another file system, a protected link), so the caller copies.
    /// </summary>
    public static bool TryLink(string existingPath, string newPath, out int errno)
    {
        if (LinkNative(existingPath, newPath) == 0)
        {
            errno = 0;
            return true;
        }

        errno = Marshal.GetLastPInvokeError();
        return false;
    }

    [DllImport("libc", EntryPoint = "geteuid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint GetEuid();

    [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern IntPtr RealPathNative([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc", EntryPoint = "free")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern void Free(IntPtr pointer);

    [DllImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Pipe2([Out] int[] fds, int flags);

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Fcntl(int fd, int command, int argument);

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int LinkNative([MarshalAs(UnmanagedType.LPUTF8Str)] string existingPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int CloseNative(int fd);
}
