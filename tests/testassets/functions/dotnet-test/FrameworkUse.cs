using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace DotnetTest;

/// <summary>
/// Uses framework assemblies the runtime does not load on its own (regular expressions, XML, compression): outside the
/// runtime's start-up composite image (runtimes/dotnet/Composite.targets), they must work as they do on the shared
/// framework. Also reports the directory of the runtime the process runs on.
/// </summary>
public static class FrameworkUse
{
    public static string Report()
    {
        var numbers = Regex.Matches("a1b22c333", "[0-9]+").Select(m => m.Value);
        var names = XDocument.Parse("<a><b n='x'/><b n='y'/></a>").Descendants("b").Select(b => (string?)b.Attribute("n"));
        using var packed = new MemoryStream();
        using (var zlib = new ZLibStream(packed, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(Encoding.UTF8.GetBytes("round trip"));
        }

        packed.Position = 0;
        using var unpacked = new StreamReader(new ZLibStream(packed, CompressionMode.Decompress));
        return $"{string.Join(',', numbers)} {string.Join(',', names)} {unpacked.ReadToEnd()}\n{RuntimeEnvironment.GetRuntimeDirectory()}";
    }
}
