using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Authentication;
using CsCheck;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// Issue 7 item 9: the handshake in both roles, through real sockets only (no internal method is called), so the
/// tests hold for any implementation of protocol.md §1. The server side must accept exactly a valid client hello,
/// answer anything else with nothing or a single 0 and close, and keep serving the witness; the client side must
/// succeed exactly on a valid server and otherwise fail with the documented exception type.
/// </summary>
[Collection(nameof(FuzzIsolation))]
public sealed class FuzzHandshakeTests(ITestOutputHelper output)
{
    private const int ServerHelloSize = 4 + 2 + 16 + 32;
    private const int ClientHelloSize = 4 + 2 + 32 + 32;
    private const int AnswerSize = 1 + 32;

    /// <summary>What a hostile client sends: a mutated valid hello, or random bytes; in pieces.</summary>
    internal sealed record ClientCase(byte[] ClientNonce, FuzzMutation[] Mutations, byte[]? Random, int[] Chunks)
    {
        public override string ToString()
            => Random is null ? $"mutated hello [{string.Join(' ', Mutations.Select(m => m.ToString()))}] chunks [{string.Join(',', Chunks)}]"
                : $"random [{Convert.ToHexString(Random)}] chunks [{string.Join(',', Chunks)}]";
    }

    /// <summary>What a fake manager sends: a hello and an answer, each valid then mutated (or a random hello).</summary>
    internal sealed record ServerCase(byte[] ServerId, byte[] ServerNonce, FuzzMutation[] HelloMutations, FuzzMutation[] AnswerMutations, byte[]? RandomHello, int[] Chunks)
    {
        public override string ToString()
            => $"hello {(RandomHello is null ? $"[{string.Join(' ', HelloMutations.Select(m => m.ToString()))}]" : $"random [{Convert.ToHexString(RandomHello)}]")}"
                + $" answer [{string.Join(' ', AnswerMutations.Select(m => m.ToString()))}] chunks [{string.Join(',', Chunks)}]";
    }

    [Fact] // Bounded by FuzzRunner: CI mode within a fixed budget, long mode within its minutes plus a margin.
    public async Task ServerSide_MutatedTruncatedAndRandomClientHellos_AcceptOnlyTheValidOne()
    {
        await using FuzzManager fuzz = await FuzzManager.StartAsync();
        Gen<ClientCase> cases = Gen.Select(
            Gen.Byte.Array[32],
            FuzzMutation.Several,
            Gen.Frequency((4, Gen.Const((byte[]?)null)), (1, Gen.Byte.Array[0, 160].Select(b => (byte[]?)b))),
            FuzzChunks.Sizes,
            (nonce, mutations, random, chunks) => new ClientCase(nonce, mutations, random, chunks));

        await FuzzRunner.RunAsync("handshake-server", cases, 1000, c => Task.Run(() => CheckServerSide(fuzz, c)), output,
            afterBatch: fuzz.CheckWitnessAsync);

        await fuzz.WaitForFuzzConnectionsClosedAsync();
        output.WriteLine($"heap growth {fuzz.AssertHeapBounded() / 1024} KiB");
    }

    [Fact] // Bounded by FuzzRunner: CI mode within a fixed budget, long mode within its minutes plus a margin.
    public async Task ClientSide_MutatedTruncatedAndRandomServerHellosAndAnswers_FailWithTheDocumentedException()
    {
        using var listener = new FuzzUnixListener();
        byte[] key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
        Gen<ServerCase> cases = Gen.Select(
            Gen.Byte.Array[16],
            Gen.Byte.Array[32],
            FuzzMutation.Several,
            FuzzMutation.Several,
            Gen.Frequency((6, Gen.Const((byte[]?)null)), (1, Gen.Byte.Array[0, 120].Select(b => (byte[]?)b))),
            FuzzChunks.Sizes,
            (id, nonce, helloMutations, answerMutations, random, chunks) => new ServerCase(id, nonce, helloMutations, answerMutations, random, chunks));

        await FuzzRunner.RunAsync("handshake-client", cases, 500, c => CheckClientSideAsync(listener, key, c), output);
        listener.Dispose();
        Assert.False(Directory.Exists(listener.Directory));
    }

    private static void CheckServerSide(FuzzManager fuzz, ClientCase c)
    {
        using Socket socket = fuzz.ConnectRaw(TimeSpan.FromSeconds(15));
        byte[] hello = FuzzWire.ReceiveUpTo(socket, ServerHelloSize);
        Assert.Equal(ServerHelloSize, hello.Length);
        Assert.True(hello.AsSpan(0, 4).SequenceEqual(FuzzWire.Magic), "the server hello has no magic");
        Assert.Equal(FuzzWire.Version, BinaryPrimitives.ReadUInt16LittleEndian(hello.AsSpan(4)));
        byte[] serverNonce = hello[22..];

        byte[] valid = new byte[ClientHelloSize];
        FuzzWire.Magic.CopyTo(valid);
        BinaryPrimitives.WriteUInt16LittleEndian(valid.AsSpan(4), FuzzWire.Version);
        c.ClientNonce.CopyTo(valid, 6);
        FuzzWire.Mac(fuzz.AuthKey, "MP-C"u8, serverNonce, c.ClientNonce).CopyTo(valid, 38);
        byte[] sent = c.Random ?? FuzzMutation.ApplyAll(valid, c.Mutations);
        bool accepted = sent.Length >= ClientHelloSize && sent.AsSpan(0, ClientHelloSize).SequenceEqual(valid);

        bool delivered = FuzzWire.TrySend(socket, sent, c.Chunks);
        Assert.True(delivered || !accepted, "the server closed the connection on a valid hello");
        if (delivered)
        {
            // Half-close: a server waiting for the rest of a truncated hello sees the end now, not at its timeout.
            socket.Shutdown(SocketShutdown.Send);
        }

        byte[] reply = FuzzWire.ReceiveToEnd(socket);
        if (accepted)
        {
            Assert.True(reply.Length >= AnswerSize && reply[0] == 1, $"a valid hello got [{Convert.ToHexString(reply)}]");
            Assert.True(reply.AsSpan(1, 32).SequenceEqual(FuzzWire.Mac(fuzz.AuthKey, "MP-S"u8, c.ClientNonce, serverNonce)), "the server's MAC is wrong");
        }
        else
        {
            Assert.True(reply.Length == 0 || reply is [0], $"an invalid hello got [{Convert.ToHexString(reply)}]");
        }
    }

    private static async Task CheckClientSideAsync(FuzzUnixListener listener, byte[] key, ServerCase c)
    {
        var options = new ConnectOptions { ConnectTimeout = TimeSpan.FromSeconds(10) };
        Task<Manager> connecting = Manager.ConnectAsync(listener.Address, key, options, TestTimeout.Token());
        Task<(byte[] Sent, byte[]? ClientNonce)> serving = Task.Run(() => ServeOnce(listener, key, c));
        Exception? error = null;
        try
        {
            await using Manager connected = await connecting.WaitAsync(TestTimeout.Token());
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            error = ex;
        }

        (byte[] sent, byte[]? clientNonce) = await serving.WaitAsync(TestTimeout.Token());
        Type? expected = ExpectedClientOutcome(sent, clientNonce, key);
        Assert.True(error?.GetType() == expected, $"expected {expected?.Name ?? "success"}, got {error?.ToString() ?? "success"}");
    }

    /// <summary>Plays a fake manager for one connection; returns every byte it sent and the client's nonce if it answered.</summary>
    private static (byte[] Sent, byte[]? ClientNonce) ServeOnce(FuzzUnixListener listener, byte[] key, ServerCase c)
    {
        using Socket socket = listener.Accept(TimeSpan.FromSeconds(15));
        byte[] validHello = new byte[ServerHelloSize];
        FuzzWire.Magic.CopyTo(validHello);
        BinaryPrimitives.WriteUInt16LittleEndian(validHello.AsSpan(4), FuzzWire.Version);
        c.ServerId.CopyTo(validHello, 6);
        c.ServerNonce.CopyTo(validHello, 22);
        byte[] sent = c.RandomHello ?? FuzzMutation.ApplyAll(validHello, c.HelloMutations);
        FuzzWire.TrySend(socket, sent, c.Chunks);
        byte[]? clientNonce = null;
        if (ClientWillAnswer(sent))
        {
            byte[] clientHello = FuzzWire.ReceiveUpTo(socket, ClientHelloSize);
            Assert.Equal(ClientHelloSize, clientHello.Length);
            Assert.True(clientHello.AsSpan(0, 6).SequenceEqual(validHello.AsSpan(0, 6)), "the client hello's header is wrong");
            clientNonce = clientHello[6..38];
            byte[] serverNonce = sent[22..54];
            Assert.True(clientHello.AsSpan(38).SequenceEqual(FuzzWire.Mac(key, "MP-C"u8, serverNonce, clientNonce)), "the client's MAC is wrong");
            byte[] answer = FuzzMutation.ApplyAll([1, .. FuzzWire.Mac(key, "MP-S"u8, clientNonce, serverNonce)], c.AnswerMutations);
            FuzzWire.TrySend(socket, answer, c.Chunks);
            sent = [.. sent, .. answer];
        }

        // An orderly end (no reset): the client reads everything sent, then sees EOF; we wait for its close.
        socket.Shutdown(SocketShutdown.Send);
        FuzzWire.ReceiveToEnd(socket);
        return (sent, clientNonce);
    }

    private static bool ClientWillAnswer(byte[] hello)
        => hello.Length >= ServerHelloSize && hello.AsSpan(0, 4).SequenceEqual(FuzzWire.Magic)
            && BinaryPrimitives.ReadUInt16LittleEndian(hello.AsSpan(4)) == FuzzWire.Version;

    /// <summary>protocol.md §1 from the client's side, over the bytes the server sent.</summary>
    private static Type? ExpectedClientOutcome(byte[] sent, byte[]? clientNonce, byte[] key)
    {
        if (sent.Length < ServerHelloSize)
        {
            return typeof(ManagerUnavailableException);
        }

        if (clientNonce is null)
        {
            return typeof(ProtocolViolationException);
        }

        if (sent.Length < ServerHelloSize + 1 || sent[ServerHelloSize] != 1)
        {
            return typeof(AuthenticationException);
        }

        if (sent.Length < ServerHelloSize + AnswerSize)
        {
            return typeof(ManagerUnavailableException);
        }

        byte[] mac = FuzzWire.Mac(key, "MP-S"u8, clientNonce, sent.AsSpan(22, 32));
        return sent.AsSpan(ServerHelloSize + 1, 32).SequenceEqual(mac) ? null : typeof(AuthenticationException);
    }
}
