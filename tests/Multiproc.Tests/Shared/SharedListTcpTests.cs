namespace Multiproc.Tests.Shared;

public sealed class SharedListTcpTests : SharedListTests
{
    protected override string? ListenAddress => Tcp;
}
