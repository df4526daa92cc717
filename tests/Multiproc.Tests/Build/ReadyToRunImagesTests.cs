using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Xml.Linq;
using MessagePack;
using Multiproc.Tests.Architecture;

namespace Multiproc.Tests.Build;

/// <summary>
/// The build plumbing of docs/performance.md: a Release build on Linux x64 runs ReadyToRun images of
/// Multiproc.dll and MessagePack.dll (src/Multiproc/build/Multiproc.targets), as a package reference would.
/// </summary>
public sealed class ReadyToRunImagesTests
{
    [Fact]
    public void ReleaseBuildOnLinuxX64_RunsReadyToRunImagesOfMultiprocAndMessagePack()
    {
#if DEBUG
        bool release = false;
#else
        bool release = true;
#endif
        bool expected = release && OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64;

        Assert.Equal(expected, IsReadyToRun(typeof(Manager).Assembly.Location));
        Assert.Equal(expected, IsReadyToRun(typeof(MessagePackSerializer).Assembly.Location));
    }

    [Fact]
    public void TheTargetsSwapOnlyTheMessagePackVersionTheImageWasMadeFrom()
    {
        XNamespace none = XNamespace.None;
        string pinned = XDocument.Load(Path.Combine(RepositoryPaths.Root, "Directory.Packages.props"))
            .Descendants(none + "PackageVersion").Single(e => (string?)e.Attribute("Include") == "MessagePack").Attribute("Version")!.Value;
        string swapped = XDocument.Load(Path.Combine(RepositoryPaths.Source, "build", "Multiproc.targets"))
            .Descendants(none + "MultiprocMessagePackVersion").Single().Value;

        Assert.Equal(pinned, swapped);
    }

    private static bool IsReadyToRun(string path)
    {
        using var reader = new PEReader(File.OpenRead(path));
        return reader.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0;
    }
}
