namespace Multiproc.Tests.Core;

public sealed class NamingTlsTests : NamingTests
{
    protected override string? ListenAddress => Tls;
}
