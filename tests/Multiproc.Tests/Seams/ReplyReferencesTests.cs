using Multiproc.Protocol;
using Multiproc.Server;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Seams;

/// <summary>
/// A reply's references are adopted only once the reply is whole: one that fails to write (here,
/// over the frame limit) releases the objects it named instead of leaving them owned by a client
/// that never received them.
/// </summary>
public sealed class ReplyReferencesTests : ObjectHostTestBase
{
    private protected override ManagerOptions Options => new ManagerOptions { MaxFrameSize = 64 * 1024 }
        .Register<ICounter, RacyCounter>()
        .Register<IBoxMaker, BoxMaker>();

    public interface IBoxMaker
    {
        Box Make(int paddingBytes);
    }

    [Fact(Timeout = 20_000)]
    public async Task ReplyOverTheFrameLimit_ReleasesTheObjectItNamed_AtOnce()
    {
        InMemorySession session = InMemorySession.Open(Host);
        long maker = ObjectHostTestsReading.Reference(await session.CallAsync(ProtocolConstants.ControlObjectId, ControlMembers.Create, typeof(IBoxMaker).FullName));

        byte[] small = await session.CallAsync(maker, "Make", 16);
        Assert.Equal(2, Host.GetStats().ObjectCount); // the maker, and the counter the reply gave the session
        byte[] tooBig = await session.CallAsync(maker, "Make", 128 * 1024);

        Assert.Equal(MessageKind.Result, ObjectHostTestsReading.Kind(small));
        Assert.Equal(MessageKind.Error, ObjectHostTestsReading.Kind(tooBig));
        // The counter inside the failed reply is not owned by the session: it is gone already
        // (it used to be adopted while encoding, and stayed until the session closed: 3).
        Assert.Equal(2, Host.GetStats().ObjectCount);
        Assert.False(session.IsClosed);
    }

    public sealed record Box(ICounter Counter, byte[] Padding);

    public sealed class BoxMaker : IBoxMaker
    {
        public Box Make(int paddingBytes) => new(new RacyCounter(), new byte[paddingBytes]);
    }
}
