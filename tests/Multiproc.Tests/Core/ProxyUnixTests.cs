namespace Multiproc.Tests.Core;

public sealed class ProxyUnixTests : ProxyTests
{
    protected override string? ListenAddress => null;
}
