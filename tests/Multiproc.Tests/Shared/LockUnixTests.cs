namespace Multiproc.Tests.Shared;

public sealed class LockUnixTests : LockTests
{
    protected override string? ListenAddress => null;
}
