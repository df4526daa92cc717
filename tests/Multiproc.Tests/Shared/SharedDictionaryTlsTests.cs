namespace Multiproc.Tests.Shared;

public sealed class SharedDictionaryTlsTests : SharedDictionaryTests
{
    protected override string? ListenAddress => Tls;
}
