using System.Reflection;
using System.Runtime.Versioning;

namespace Multiproc.Tests.Build;

/// <summary>The platform declaration (README "Platforms"): what the packages say, and that the check lets Linux through.</summary>
public sealed class PlatformTests
{
    [Theory]
    [InlineData(typeof(Manager))]
    [InlineData(typeof(Multiproc.Extensions.Hosting.MultiprocServiceCollectionExtensions))]
    public void TheAssemblies_DeclareLinuxAndNothingElse(Type fromAssembly)
    {
        SupportedOSPlatformAttribute[] platforms = [.. fromAssembly.Assembly.GetCustomAttributes<SupportedOSPlatformAttribute>()];

        Assert.Equal(["linux"], platforms.Select(p => p.PlatformName));
    }

    [Fact]
    public void TheCheck_PassesOnLinux_WithoutTheSwitch()
    {
        Assert.True(OperatingSystem.IsLinux(), "these tests run on Linux");
        Assert.False(AppContext.TryGetSwitch(SupportedPlatform.AllowUnsupportedSwitch, out _));

        SupportedPlatform.ThrowIfUnsupported();
    }
}
