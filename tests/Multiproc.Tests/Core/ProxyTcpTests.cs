namespace Multiproc.Tests.Core;

public sealed class ProxyTcpTests : ProxyTests
{
    protected override string? ListenAddress => Tcp;
}
