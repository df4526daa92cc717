namespace Multiproc.Tests.Core;

public sealed class LifetimeTlsTests : LifetimeTests
{
    protected override string? ListenAddress => Tls;
}
