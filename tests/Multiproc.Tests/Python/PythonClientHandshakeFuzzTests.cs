using System.Security.Authentication;
using Multiproc.Python.Wire;
using Xunit.Abstractions;
using static Multiproc.Tests.Python.HandshakeBytes;

namespace Multiproc.Tests.Python;

/// <summary>
/// Mutated and random server transcripts fed to the client state machine in random pieces: each run ends
/// complete (only when the server's answer to the client's challenge is intact), with an
/// <see cref="AuthenticationException"/> or a <see cref="ProtocolViolationException"/>, or waiting for bytes that
/// never come. Nothing else is thrown.
/// </summary>
public sealed class PythonClientHandshakeFuzzTests(ITestOutputHelper output)
{
    private static readonly byte[] s_key = [.. "fuzz key"u8];

    [Fact]
    public void Feed_MutatedAndRandomServers_EndOnlyInTheDocumentedWays() => HandshakeFuzz.Run(output, RunOne);

    private static string RunOne(Random random, string run)
    {
        var client = new PythonClientHandshake(s_key, requireSha256: random.Next(4) == 0);
        bool legacy = random.Next(2) == 0;
        byte[] opening = [.. Frame([.. Challenge, .. HandshakeFuzz.ChallengeMessage(legacy)]), .. Frame(Welcome)];
        bool mutateOpening = random.Next(2) == 0;
        byte[] input = mutateOpening ? HandshakeFuzz.Mutate(random, opening) : opening;
        int chunk = random.Next(1, 70);
        HandshakeFuzz.Feed(run, client, input, chunk);

        byte[] sent = TakeOutput(client);
        bool answerAltered = false;
        if (client.Failure is null && Payloads(sent) is [_, var challenge] && challenge.AsSpan().StartsWith(Challenge))
        {
            byte[] message = challenge[Challenge.Length..];
            byte[] answer = Frame(legacy ? LegacyAnswer(s_key, message) : Sha256Answer(s_key, message));
            byte[] mutated = mutateOpening ? answer : HandshakeFuzz.Mutate(random, answer);
            answerAltered = mutated.AsSpan().CommonPrefixLength(answer) < answer.Length;
            HandshakeFuzz.Feed(run, client, mutated, chunk);
        }

        if (client.IsComplete)
        {
            Assert.False(answerAltered, $"{run} completed with an altered answer.");
            return "complete";
        }

        return HandshakeFuzz.Outcome(run, client);
    }
}
