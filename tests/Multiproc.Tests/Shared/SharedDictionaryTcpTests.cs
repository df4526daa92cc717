namespace Multiproc.Tests.Shared;

public sealed class SharedDictionaryTcpTests : SharedDictionaryTests
{
    protected override string? ListenAddress => Tcp;
}
