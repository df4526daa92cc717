namespace Multiproc.Tests.Shared;

public sealed class SharedValueAndNamespaceTcpTests : SharedValueAndNamespaceTests
{
    protected override string? ListenAddress => Tcp;
}
