using System.Security.Authentication;
using System.Security.Cryptography;
using Multiproc.Python.Wire;
using Xunit.Abstractions;

namespace Multiproc.Tests.Python;

/// <summary>
/// What the client and server handshake fuzzers share: the run loop with its outcome counts, the
/// mutations, and the only ways a run may end (complete, <see cref="AuthenticationException"/>,
/// <see cref="ProtocolViolationException"/>, or waiting for bytes that never come).
/// </summary>
internal static class HandshakeFuzz
{
    public const int Runs = 3000;

    /// <summary>Runs <paramref name="runOne"/> <see cref="Runs"/> times with one logged seed; each run returns its outcome.</summary>
    public static void Run(ITestOutputHelper output, Func<Random, string, string> runOne)
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var outcomes = new Dictionary<string, int>();
        for (int run = 0; run < Runs; run++)
        {
            string outcome = runOne(random, $"run {run} (seed {seed})");
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        output.WriteLine(string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}")));
        Assert.True(outcomes.GetValueOrDefault("complete") > 0, "No run completed: the valid transcripts are broken.");
        Assert.True(outcomes.GetValueOrDefault(nameof(AuthenticationException)) > 0);
        Assert.True(outcomes.GetValueOrDefault(nameof(ProtocolViolationException)) > 0);
    }

    /// <summary>A challenge message as a 3.8–3.11 peer (20 raw bytes) or a 3.12+ peer (<c>{sha256}</c> and 40 bytes) sends it.</summary>
    public static byte[] ChallengeMessage(bool legacy) => legacy ? RandomNumberGenerator.GetBytes(20) : [.. "{sha256}"u8, .. RandomNumberGenerator.GetBytes(40)];

    /// <summary>Feeds <paramref name="input"/> in pieces; a throw (rather than a recorded failure) fails the test with the input.</summary>
    public static void Feed(string run, PythonHandshake handshake, byte[] input, int chunk)
    {
        try
        {
            Assert.True(HandshakeBytes.Feed(handshake, input, chunk) <= input.Length);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"{run} threw instead of recording a failure: {Convert.ToHexString(input)}", ex);
        }
    }

    /// <summary>How an unfinished or failed run ended; any failure but the two documented ones fails the test.</summary>
    public static string Outcome(string run, PythonHandshake handshake) => handshake.Failure switch
    {
        null => "waiting",
        AuthenticationException => nameof(AuthenticationException),
        ProtocolViolationException => nameof(ProtocolViolationException),
        var other => throw new InvalidOperationException($"{run} failed with {other.GetType()}.", other),
    };

    /// <summary>The valid transcript, or one changed by a flip, a cut, an insertion, a header byte, or replaced by random bytes.</summary>
    public static byte[] Mutate(Random random, byte[] valid)
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
                return [.. valid[..at], (byte)random.Next(256), .. valid[at..]];
            case 4:
                byte[] noise = new byte[random.Next(0, 400)];
                random.NextBytes(noise);
                return noise;
            default:
                byte[] header = [.. valid];
                header[random.Next(Math.Min(4, valid.Length))] = (byte)random.Next(256);
                return header;
        }
    }
}
