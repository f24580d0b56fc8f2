using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Serverless.Platform.Admin;

/// <summary>
/// The admin API's bearer token. <c>$SERVERLESS_ADMIN_TOKEN</c> when set; otherwise the content of
/// <c>{home}/admin-token</c>, generated at first start (32 random bytes, base64url) into a file only its owner
/// can read or write (0600). The CLI reads the same file, so users never handle the token unless they want to.
/// </summary>
/// <remarks>
/// Call <see cref="LoadOrCreate"/> while holding the home's lock: two platforms generating at once would leave
/// the CLI with the token of the one that lost.
/// </remarks>
internal sealed partial class AdminCredential
{
    public const string FileName = "admin-token";

    public const string Variable = "SERVERLESS_ADMIN_TOKEN";

    /// <summary>256 bits, as a session key: guessing is out of reach at any request rate.</summary>
    private const int TokenBytes = 32;

    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly byte[] _tokenHash;

    private AdminCredential(string token, string? filePath)
    {
        Token = token;
        FilePath = filePath;
        _tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    public string Token { get; }

    /// <summary>The file the token was read from or generated into; null when it came from the environment.</summary>
    public string? FilePath { get; }

    /// <summary>Where the token comes from, for logs and messages (never the token itself).</summary>
    public string Source => FilePath ?? "$" + Variable;

    /// <param name="home">The state directory, which exists.</param>
    /// <param name="overrideToken">The value of <c>$SERVERLESS_ADMIN_TOKEN</c>, if any: then no file is read or written.</param>
    /// <exception cref="IOException">The token file cannot be read or written.</exception>
    /// <exception cref="UnauthorizedAccessException">The token file cannot be read or written.</exception>
    public static AdminCredential LoadOrCreate(string home, string? overrideToken, ILogger logger)
    {
        if (!string.IsNullOrEmpty(overrideToken))
        {
            LogFromEnvironment(logger);
            return new AdminCredential(overrideToken, null);
        }

        var path = Path.Combine(home, FileName);
        if (Read(path, logger) is { } existing)
        {
            return new AdminCredential(existing, path);
        }

        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));
        Write(path, token);
        LogGenerated(logger, path);
        return new AdminCredential(token, path);
    }

    /// <summary>
    /// Removes <c>$SERVERLESS_ADMIN_TOKEN</c> from the environment .NET keeps for this process, which is what every
    /// child started through <c>Process</c> inherits.
    /// </summary>
    /// <remarks>
    /// This does not change <c>/proc/self/environ</c>: the kernel shows the block the process was exec'ed with, and
    /// neither .NET nor libc write to it. Anyone who can read the platform's <c>/proc/PID/environ</c> (root, or the
    /// same uid without a sandbox) still sees the token. Instances are kept from it by the sandbox: their own PID
    /// namespace hides the platform's <c>/proc</c> entry, they run as another uid when the platform is root, and
    /// their environment is an allow-list.
    /// </remarks>
    public static void RemoveFromEnvironment() => Environment.SetEnvironmentVariable(Variable, null);

    /// <summary>Whether <paramref name="presented"/> is the token, in time independent of where they differ.</summary>
    /// <remarks>
    /// Comparing SHA-256 digests rather than the strings keeps the length out of the timing as well:
    /// <see cref="CryptographicOperations.FixedTimeEquals"/> returns at once on a length mismatch.
    /// </remarks>
    public bool Matches(string presented) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _tokenHash);

    /// <summary>The token in the file, its mode tightened to 0600 if it was looser; null when there is no file or it is blank.</summary>
    private static string? Read(string path, ILogger logger)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        if (text.Length == 0)
        {
            return null;
        }

        if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(path) is var mode && mode != OwnerReadWrite)
        {
            File.SetUnixFileMode(path, OwnerReadWrite);
            LogTightened(logger, path, Convert.ToString((int)mode, 8));
        }

        return text;
    }

    /// <summary>Writes a new file atomically: a reader sees no file or the whole token, never a part of it.</summary>
    private static void Write(string path, string token)
    {
        var temp = path + ".tmp";
        File.Delete(temp);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Created with the mode, not chmod-ed after: there is no moment when others could open it.
            options.UnixCreateMode = OwnerReadWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            stream.Write(Encoding.UTF8.GetBytes(token + "\n"));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    [LoggerMessage(EventId = PlatformEventIds.AdminTokenGenerated, Level = LogLevel.Information, Message = "Admin API token generated in {Path}")]
    private static partial void LogGenerated(ILogger logger, string path);

    [LoggerMessage(EventId = PlatformEventIds.AdminTokenFromEnvironment, Level = LogLevel.Information, Message = "Admin API token from $" + Variable)]
    private static partial void LogFromEnvironment(ILogger logger);

    [LoggerMessage(EventId = PlatformEventIds.AdminTokenFileTightened, Level = LogLevel.Warning, Message = "Admin API token file {Path} had mode {Mode}: changed to 600")]
    private static partial void LogTightened(ILogger logger, string path, string mode);
}
