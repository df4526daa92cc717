using System.Security.Authentication;
using System.Security.Cryptography;
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
    private const int Runs = 3000;
    private static readonly byte[] s_key = [.. "fuzz key"u8];

    [Fact]
    public void Feed_MutatedAndRandomClients_EndOnlyInTheDocumentedWays()
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var outcomes = new Dictionary<string, int>();
        for (int run = 0; run < Runs; run++)
        {
            string outcome = RunOne(random, run, seed);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        output.WriteLine(string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}")));
        Assert.True(outcomes.GetValueOrDefault("complete") > 0, "No run completed: the valid transcripts are broken.");
        Assert.True(outcomes.GetValueOrDefault("AuthenticationException") > 0);
        Assert.True(outcomes.GetValueOrDefault("ProtocolViolationException") > 0);
    }

    private static string RunOne(Random random, int run, int seed)
    {
        var server = new PythonServerHandshake(s_key, requireSha256: random.Next(4) == 0);
        byte[] message = Payloads(TakeOutput(server))[0][Challenge.Length..];
        bool legacy = random.Next(2) == 0;
        byte[] answer = Frame(legacy ? LegacyAnswer(s_key, message) : Sha256Answer(s_key, message));
        byte[] clientMessage = legacy ? RandomNumberGenerator.GetBytes(20) : [.. "{sha256}"u8, .. RandomNumberGenerator.GetBytes(40)];
        byte[] valid = [.. answer, .. Frame([.. Challenge, .. clientMessage]), .. Frame(Welcome)];
        byte[] input = Mutate(random, valid);
        int firstChanged = input.AsSpan().CommonPrefixLength(valid);

        try
        {
            int chunk = random.Next(1, 70);
            int taken = Feed(server, input, chunk);
            Assert.True(taken <= input.Length);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"Run {run} (seed {seed}) threw instead of recording a failure: {Convert.ToHexString(input)}", ex);
        }

        if (server.IsComplete)
        {
            // The answer proves the key; a run whose answer was altered must never get in.
            Assert.True(firstChanged >= answer.Length, $"Run {run} (seed {seed}) completed with an altered answer: {Convert.ToHexString(input)}");
            return "complete";
        }

        return server.Failure switch
        {
            null => "waiting",
            AuthenticationException => nameof(AuthenticationException),
            ProtocolViolationException => nameof(ProtocolViolationException),
            var other => throw new InvalidOperationException($"Run {run} (seed {seed}) failed with {other.GetType()}: {Convert.ToHexString(input)}", other),
        };
    }

    /// <summary>The valid transcript, or one changed by a flip, a cut, an insertion, a header byte, or replaced by random bytes.</summary>
    private static byte[] Mutate(Random random, byte[] valid)
    {
        int at = random.Next(valid.Length);
        switch (random.Next(6))
        {
            case 0:
                return valid;
            case 1:
                byte[] flipped = [.. valid];
                flipped[at] ^= (byte)random.Next(1, 256);
                return flipped;
            case 2:
                return valid[..at];
            case 3:
                byte[] inserted = [.. valid[..at], (byte)random.Next(256), .. valid[at..]];
                return inserted;
            case 4:
                byte[] noise = new byte[random.Next(0, 400)];
                random.NextBytes(noise);
                return noise;
            default:
                byte[] header = [.. valid];
                header[random.Next(4)] = (byte)random.Next(256);
                return header;
        }
    }
}
