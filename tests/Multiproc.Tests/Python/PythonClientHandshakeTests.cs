using System.Security.Authentication;
using System.Security.Cryptography;
using Multiproc.Python.Wire;
using static Multiproc.Tests.Python.HandshakeBytes;

namespace Multiproc.Tests.Python;

/// <summary>The client state machine against hand-written servers of both generations (no sockets, no Python).</summary>
public sealed class PythonClientHandshakeTests
{
    private static readonly byte[] s_key = [.. "secret key"u8];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Run_LegacyOrModernServer_AnswersInKindAndAcceptsItsAnswer(bool legacy)
    {
        var client = new PythonClientHandshake(s_key, requireSha256: false);
        Assert.True(client.Output.IsEmpty);
        byte[] serverMessage = legacy ? RandomNumberGenerator.GetBytes(20) : [.. "{sha256}"u8, .. RandomNumberGenerator.GetBytes(40)];

        Feed(client, Frame([.. Challenge, .. serverMessage]), chunk: 2);
        byte[] answer = Assert.Single(Payloads(TakeOutput(client)));
        Assert.Equal(legacy ? LegacyAnswer(s_key, serverMessage) : Sha256Answer(s_key, serverMessage), answer);

        Feed(client, Frame(Welcome));
        byte[] challenge = Assert.Single(Payloads(TakeOutput(client)));
        Assert.Equal(59, challenge.Length);
        byte[] message = challenge[Challenge.Length..];

        // A 3.8–3.11 server answers the {sha256} challenge with a raw MD5 over all 48 bytes.
        Feed(client, Frame(legacy ? LegacyAnswer(s_key, message) : Sha256Answer(s_key, message)));
        Assert.Equal([.. Welcome], Assert.Single(Payloads(TakeOutput(client))));
        Assert.True(client.IsComplete);
        Assert.Equal(legacy ? "md5" : "sha256", client.ServerDigest);
        Assert.Equal(legacy, client.ServerChallengeIsLegacy);
    }

    [Fact]
    public void Run_ServerSaysFailure_FailsAuthentication()
    {
        var client = new PythonClientHandshake(s_key, requireSha256: false);
        Feed(client, Frame([.. Challenge, .. new byte[20]]));

        Feed(client, Frame(Failure));

        Assert.IsType<AuthenticationException>(client.Failure);
    }

    [Fact]
    public void Run_ServerAnswersWrong_SendsFailureAndFailsAuthentication()
    {
        var client = new PythonClientHandshake(s_key, requireSha256: false);
        Feed(client, Frame([.. Challenge, .. new byte[20]]));
        Feed(client, Frame(Welcome));
        byte[] message = Payloads(TakeOutput(client))[^1][Challenge.Length..];

        Feed(client, Frame(Sha256Answer([.. "wrong"u8], message)));

        Assert.Equal([.. Failure], Assert.Single(Payloads(TakeOutput(client))));
        Assert.IsType<AuthenticationException>(client.Failure);
    }

    [Fact]
    public void Run_RequireSha256AndALegacyServer_Refused()
    {
        var client = new PythonClientHandshake(s_key, requireSha256: true);

        Feed(client, Frame([.. Challenge, .. new byte[20]]));

        Assert.IsType<AuthenticationException>(client.Failure);
        Assert.True(client.Output.IsEmpty);
    }

    [Theory]
    [InlineData("MPRC")]
    [InlineData("HTTP/1.1 200 OK")]
    public void Run_GarbageInsteadOfChallenge_ProtocolViolation(string garbage)
    {
        var client = new PythonClientHandshake(s_key, requireSha256: false);

        Feed(client, System.Text.Encoding.ASCII.GetBytes(garbage));

        Assert.IsType<ProtocolViolationException>(client.Failure);
    }

    [Fact]
    public void Run_UnknownDigest_FailsAuthentication()
    {
        var client = new PythonClientHandshake(s_key, requireSha256: false);

        Feed(client, Frame([.. Challenge, .. "{sha1}"u8, .. new byte[40]]));

        Assert.IsType<AuthenticationException>(client.Failure);
    }
}
