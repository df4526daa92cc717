namespace Multiproc.Tests.Core;

public sealed class ProxyTlsTests : ProxyTests
{
    protected override string? ListenAddress => Tls;
}
