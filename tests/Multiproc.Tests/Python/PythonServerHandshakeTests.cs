using System.Security.Authentication;
using System.Security.Cryptography;
using Multiproc.Python.Wire;
using static Multiproc.Tests.Python.HandshakeBytes;

namespace Multiproc.Tests.Python;

/// <summary>The server state machine against hand-written clients of both generations (no sockets, no Python).</summary>
public sealed class PythonServerHandshakeTests
{
    private static readonly byte[] s_key = [.. "secret key"u8];

    [Fact]
    public void Start_SendsSha256ChallengeOf59Bytes()
    {
        var server = new PythonServerHandshake(s_key, requireSha256: false);

        byte[] challenge = Assert.Single(Payloads(TakeOutput(server)));
        Assert.Equal(59, challenge.Length);
        Assert.Equal([.. Challenge, .. "{sha256}"u8], challenge[..19]);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 1)]
    [InlineData(true, 3)]
    [InlineData(false, int.MaxValue)]
    public void Run_LegacyOrModernClient_CompletesWithoutReadingPastWelcome(bool legacy, int chunk)
    {
        var server = new PythonServerHandshake(s_key, requireSha256: false);
        byte[] message = Payloads(TakeOutput(server))[0][Challenge.Length..];
        byte[] answer = legacy ? LegacyAnswer(s_key, message) : Sha256Answer(s_key, message);

        Assert.Equal(4 + answer.Length, Feed(server, Frame(answer), chunk));
        Assert.Equal([.. Welcome], Assert.Single(Payloads(TakeOutput(server))));
        Assert.Equal(legacy ? "md5" : "sha256", server.ClientDigest);

        byte[] clientMessage = legacy ? RandomNumberGenerator.GetBytes(20) : [.. "{sha256}"u8, .. RandomNumberGenerator.GetBytes(40)];
        Feed(server, Frame([.. Challenge, .. clientMessage]), chunk);
        byte[] reply = Assert.Single(Payloads(TakeOutput(server)));
        Assert.Equal(legacy ? LegacyAnswer(s_key, clientMessage) : Sha256Answer(s_key, clientMessage), reply);
        Assert.Equal(legacy, server.ClientChallengeIsLegacy);

        byte[] rest = [.. Frame(Welcome), .. Frame("first request"u8)];
        Assert.Equal(4 + Welcome.Length, Feed(server, rest, chunk));
        Assert.True(server.IsComplete);
        Assert.Null(server.Failure);
    }

    [Theory]
    [InlineData("{sha384}")]
    [InlineData("{md5}")]
    public void Run_OtherAllowedDigest_Accepted(string prefix)
    {
        var server = new PythonServerHandshake(s_key, requireSha256: false);
        byte[] message = Payloads(TakeOutput(server))[0][Challenge.Length..];
        byte[] mac = prefix == "{md5}" ? LegacyAnswer(s_key, message) : HMACSHA384.HashData(s_key, message);

        Feed(server, Frame([.. System.Text.Encoding.ASCII.GetBytes(prefix), .. mac]));

        Assert.Equal([.. Welcome], Assert.Single(Payloads(TakeOutput(server))));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Run_WrongKey_SendsFailureAndFailsAuthentication(bool legacy)
    {
        var server = new PythonServerHandshake(s_key, requireSha256: false);
        byte[] message = Payloads(TakeOutput(server))[0][Challenge.Length..];
        byte[] wrong = [.. "other key"u8];

        Feed(server, Frame(legacy ? LegacyAnswer(wrong, message) : Sha256Answer(wrong, message)));

        Assert.Equal([.. Failure], Assert.Single(Payloads(TakeOutput(server))));
        Assert.IsType<AuthenticationException>(server.Failure);
        Assert.Equal(0, server.Missing);
    }

    [Fact]
    public void Run_RequireSha256AndALegacyClient_Refused()
    {
        var server = new PythonServerHandshake(s_key, requireSha256: true);
        byte[] message = Payloads(TakeOutput(server))[0][Challenge.Length..];

        Feed(server, Frame(LegacyAnswer(s_key, message)));

        Assert.Equal([.. Failure], Assert.Single(Payloads(TakeOutput(server))));
        Assert.Contains("SHA-256", Assert.IsType<AuthenticationException>(server.Failure).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_RequireSha256AndAModernClient_Completes()
    {
        var server = new PythonServerHandshake(s_key, requireSha256: true);
        byte[] message = Payloads(TakeOutput(server))[0][Challenge.Length..];
        Feed(server, Frame(Sha256Answer(s_key, message)));
        Feed(server, Frame([.. Challenge, .. "{sha256}"u8, .. new byte[40]]));
        Feed(server, Frame(Welcome));

        Assert.True(server.IsComplete);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 1, 1 })]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff })]
    [InlineData(new byte[] { 0x80, 0, 0, 0 })]
    [InlineData(new byte[] { (byte)'G', (byte)'E', (byte)'T', (byte)' ' })]
    public void Run_AnswerHeaderOver256Bytes_FailsOnTheHeaderAlone(byte[] header)
    {
        var server = new PythonServerHandshake(s_key, requireSha256: false);
        TakeOutput(server);

        Assert.Equal(4, Feed(server, [.. header, 1, 2, 3]));

        Assert.IsType<ProtocolViolationException>(server.Failure);
        Assert.Equal(0, server.Missing);
        Assert.True(server.Output.IsEmpty);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    public void Run_GarbageInsteadOfChallenge_FailsOnTheFirstWrongByte(int goodPrefix)
    {
        var server = new PythonServerHandshake(s_key, requireSha256: false);
        byte[] message = Payloads(TakeOutput(server))[0][Challenge.Length..];
        Feed(server, Frame(Sha256Answer(s_key, message)));
        TakeOutput(server);
        byte[] garbage = [.. Challenge[..goodPrefix], (byte)'X', .. new byte[40]];

        int taken = Feed(server, Frame(garbage), chunk: 1);

        Assert.Equal(4 + goodPrefix + 1, taken);
        Assert.IsType<ProtocolViolationException>(server.Failure);
    }

    [Theory]
    [InlineData(30)]
    [InlineData(257)]
    public void Run_ChallengeOfImpossibleLength_FailsOnTheHeader(int length)
    {
        var server = new PythonServerHandshake(s_key, requireSha256: false);
        byte[] message = Payloads(TakeOutput(server))[0][Challenge.Length..];
        Feed(server, Frame(Sha256Answer(s_key, message)));

        Assert.Equal(4, Feed(server, Frame(new byte[length])));
        Assert.IsType<ProtocolViolationException>(server.Failure);
    }

    [Fact]
    public void Run_ClientRejectsTheServersAnswer_FailsAuthentication()
    {
        var server = new PythonServerHandshake(s_key, requireSha256: false);
        byte[] message = Payloads(TakeOutput(server))[0][Challenge.Length..];
        Feed(server, Frame(Sha256Answer(s_key, message)));
        Feed(server, Frame([.. Challenge, .. new byte[20]]));

        Feed(server, Frame(Failure));

        Assert.IsType<AuthenticationException>(server.Failure);
    }
}
