namespace Multiproc.Tests.Core;

public sealed class CallSemanticsUnixTests : CallSemanticsTests
{
    protected override string? ListenAddress => null;
}
