namespace Multiproc.Tests.Core;

public sealed class ExceptionUnixTests : ExceptionTests
{
    protected override string? ListenAddress => null;
}
