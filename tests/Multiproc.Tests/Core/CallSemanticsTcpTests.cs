namespace Multiproc.Tests.Core;

public sealed class CallSemanticsTcpTests : CallSemanticsTests
{
    protected override string? ListenAddress => Tcp;
}
