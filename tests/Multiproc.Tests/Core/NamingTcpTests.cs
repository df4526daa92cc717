namespace Multiproc.Tests.Core;

public sealed class NamingTcpTests : NamingTests
{
    protected override string? ListenAddress => Tcp;
}
