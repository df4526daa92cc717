using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Protocol;

/// <summary>
/// A peer one protocol version older (1, against <see cref="Multiproc.Protocol.ProtocolConstants.Version"/> 2) gets a
/// typed outcome on both sides (docs/protocol.md, "Versions"). A same-version manager that predates a
/// message kind closes the connection instead (docs/protocol.md §6, Compatibility).
/// </summary>
public sealed class VersionSkewTests
{
    [Fact(Timeout = 20_000)]
    public async Task ConnectAsync_ManagerOneVersionOlder_ThrowsProtocolViolationNamingBothVersions()
    {
        using FakeManager fake = FakeManager.Start();
        Task<Manager> connecting = Manager.ConnectAsync(fake.Address, FakeManager.Key, TestTimeout.Token());
        await fake.AcceptAsync(TestTimeout.Token());
        // "MPRC", version 1, server id, server nonce
        await fake.SendAsync([.. Golden.Bytes("4D505243 0100"), .. new byte[16 + 32]], TestTimeout.Token());

        ProtocolViolationException error = await Assert.ThrowsAsync<ProtocolViolationException>(() => connecting.WaitAsync(TestTimeout.Token()));

        Assert.Contains("version 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("version 2", error.Message, StringComparison.Ordinal);
        // The client refuses before its own hello: it sends nothing and closes.
        await Assert.ThrowsAsync<EndOfStreamException>(() => fake.ReadExactlyAsync(1, TestTimeout.Token()));
    }

    [Fact(Timeout = 20_000)]
    public async Task ClientHello_VersionOne_ClosedWithoutAnswerLoggedAndTheManagerServesOthers()
    {
        using var logs = new RecordingLoggerFactory();
        ManagerOptions options = TestOptions.Create();
        options.LoggerFactory = logs;
        await using Manager manager = await Manager.StartAsync(options);
        using (RawClient raw = await RawClient.ConnectAsync(manager, authenticate: false, TestTimeout.Token()))
        {
            await raw.ReadExactlyAsync(54, TestTimeout.Token());

            // "MPRC", version 1, then a nonce and MAC the manager never looks at
            await raw.SendAsync([.. Golden.Bytes("4D505243 0100"), .. new byte[64]], TestTimeout.Token());

            await Assert.ThrowsAsync<EndOfStreamException>(() => raw.ReadExactlyAsync(1, TestTimeout.Token()));
        }

        await TestTimeout.UntilAsync(
            () => Task.FromResult(logs.Entries.Any(e => e.Message.Contains("protocol version 1; this manager speaks version 2", StringComparison.Ordinal))),
            because: "the manager did not log the version it refused");
        await using Manager other = await Manager.ConnectAsync(manager.Address, manager.AuthKey, TestTimeout.Token());
        // The owner's connection and this one: the refused client never became a connection.
        Assert.Equal(2, (await other.GetStatsAsync(TestTimeout.Token())).ConnectionCount);
    }
}
