using System.Security.Authentication;
using Multiproc.Python.Wire;
using Xunit.Abstractions;
using static Multiproc.Tests.Python.HandshakeBytes;

namespace Multiproc.Tests.Python;

/// <summary>
/// Random and mutated client transcripts fed to the server state machine in random pieces: each run ends
/// complete (only when the answer to the server's challenge is intact), with an
/// <see cref="AuthenticationException"/> or a <see cref="ProtocolViolationException"/>, or waiting for bytes
/// that never come (the peer closed; the driver's deadline covers a peer that stays). Nothing else is thrown.
/// </summary>
public sealed class PythonServerHandshakeFuzzTests(ITestOutputHelper output)
{
    private static readonly byte[] s_key = [.. "fuzz key"u8];

    [Fact]
    public void Feed_MutatedAndRandomClients_EndOnlyInTheDocumentedWays() => HandshakeFuzz.Run(output, RunOne);

    private static string RunOne(Random random, string run)
    {
        var server = new PythonServerHandshake(s_key, requireSha256: random.Next(4) == 0);
        byte[] message = Payloads(TakeOutput(server))[0][Challenge.Length..];
        bool legacy = random.Next(2) == 0;
        byte[] answer = Frame(legacy ? LegacyAnswer(s_key, message) : Sha256Answer(s_key, message));
        byte[] valid = [.. answer, .. Frame([.. Challenge, .. HandshakeFuzz.ChallengeMessage(legacy)]), .. Frame(Welcome)];
        byte[] input = HandshakeFuzz.Mutate(random, valid);
        int firstChanged = input.AsSpan().CommonPrefixLength(valid);
        HandshakeFuzz.Feed(run, server, input, random.Next(1, 70));

        if (server.IsComplete)
        {
            // The answer proves the key; a run whose answer was altered must never get in.
            Assert.True(firstChanged >= answer.Length, $"{run} completed with an altered answer: {Convert.ToHexString(input)}");
            return "complete";
        }

        return HandshakeFuzz.Outcome(run, server);
    }
}
