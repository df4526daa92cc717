using System.Security.Authentication;
using System.Security.Cryptography;
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
    private const int Runs = 3000;
    private static readonly byte[] s_key = [.. "fuzz key"u8];

    [Fact]
    public void Feed_MutatedAndRandomServers_EndOnlyInTheDocumentedWays()
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var outcomes = new Dictionary<string, int>();
        for (int run = 0; run < Runs; run++)
        {
            string outcome = RunOne(random, $"run {run} (seed {seed})");
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        output.WriteLine(string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}")));
        Assert.True(outcomes.GetValueOrDefault("complete") > 0, "No run completed: the valid transcripts are broken.");
        Assert.True(outcomes.GetValueOrDefault(nameof(AuthenticationException)) > 0);
        Assert.True(outcomes.GetValueOrDefault(nameof(ProtocolViolationException)) > 0);
    }

    private static string RunOne(Random random, string run)
    {
        var client = new PythonClientHandshake(s_key, requireSha256: random.Next(4) == 0);
        bool legacy = random.Next(2) == 0;
        byte[] serverMessage = legacy ? RandomNumberGenerator.GetBytes(20) : [.. "{sha256}"u8, .. RandomNumberGenerator.GetBytes(40)];
        byte[] opening = [.. Frame([.. Challenge, .. serverMessage]), .. Frame(Welcome)];
        bool mutateOpening = random.Next(2) == 0;
        byte[] input = mutateOpening ? Mutate(random, opening) : opening;
        int chunk = random.Next(1, 70);
        Guard(run, input, () => Feed(client, input, chunk));

        byte[] sent = TakeOutput(client);
        bool answerAltered = false;
        if (client.Failure is null && Payloads(sent) is [_, var challenge] && challenge.AsSpan().StartsWith(Challenge))
        {
            byte[] message = challenge[Challenge.Length..];
            byte[] answer = Frame(legacy ? LegacyAnswer(s_key, message) : Sha256Answer(s_key, message));
            byte[] mutated = mutateOpening ? answer : Mutate(random, answer);
            answerAltered = mutated.AsSpan().CommonPrefixLength(answer) < answer.Length;
            Guard(run, mutated, () => Feed(client, mutated, chunk));
        }

        if (client.IsComplete)
        {
            Assert.False(answerAltered, $"{run} completed with an altered answer.");
            return "complete";
        }

        return client.Failure switch
        {
            null => "waiting",
            AuthenticationException => nameof(AuthenticationException),
            ProtocolViolationException => nameof(ProtocolViolationException),
            var other => throw new InvalidOperationException($"{run} failed with {other.GetType()}.", other),
        };
    }

    private static void Guard(string run, byte[] input, Func<int> feed)
    {
        try
        {
            feed();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"{run} threw instead of recording a failure: {Convert.ToHexString(input)}", ex);
        }
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        int at = random.Next(valid.Length);
        switch (random.Next(5))
        {
            case 0:
                byte[] flipped = [.. valid];
                flipped[at] ^= (byte)random.Next(1, 256);
                return flipped;
            case 1:
                return valid[..at];
            case 2:
                return [.. valid[..at], (byte)random.Next(256), .. valid[at..]];
            case 3:
                byte[] noise = new byte[random.Next(0, 400)];
                random.NextBytes(noise);
                return noise;
            default:
                return valid;
        }
    }
}
