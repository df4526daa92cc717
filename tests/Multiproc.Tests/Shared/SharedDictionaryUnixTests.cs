namespace Multiproc.Tests.Shared;

public sealed class SharedDictionaryUnixTests : SharedDictionaryTests
{
    protected override string? ListenAddress => null;
}
