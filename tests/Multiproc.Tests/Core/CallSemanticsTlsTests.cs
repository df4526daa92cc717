namespace Multiproc.Tests.Core;

public sealed class CallSemanticsTlsTests : CallSemanticsTests
{
    protected override string? ListenAddress => Tls;
}
