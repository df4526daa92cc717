namespace Multiproc.Tests.Shared;

public sealed class LockTcpTests : LockTests
{
    protected override string? ListenAddress => Tcp;
}
