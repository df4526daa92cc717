namespace Multiproc.Tests.Core;

public sealed class LifetimeTcpTests : LifetimeTests
{
    protected override string? ListenAddress => Tcp;
}
