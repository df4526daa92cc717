namespace Multiproc.Tests.Core;

public sealed class NamingUnixTests : NamingTests
{
    protected override string? ListenAddress => null;
}
