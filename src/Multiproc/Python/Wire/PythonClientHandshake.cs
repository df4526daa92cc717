using System.Security.Authentication;

namespace Multiproc.Python.Wire;

/// <summary>
/// The client side of CPython's <c>Client()</c> handshake, for a C# client of a CPython manager: answer the
/// server's challenge, then challenge the server.
/// </summary>
/// <remarks>
/// Answers both challenge forms: a 3.8–3.11 server's 20 raw bytes with a raw HMAC-MD5, a 3.12+ server's
/// <c>{sha256}</c> challenge with <c>{sha256}</c> and the HMAC over the whole message. Sends
/// <c>{sha256}</c> and 40 random bytes, and accepts a prefixed answer or a raw HMAC-MD5 over the whole message,
/// which is what a 3.8–3.11 server sends (CPython 3.12+ clients accept it too). <c>requireSha256</c> refuses
/// MD5 in both directions, so only 3.12+ servers pass.
/// </remarks>
internal sealed class PythonClientHandshake : PythonHandshake
{
    private readonly bool _requireSha256;
    private readonly byte[] _message = PythonChallenge.NewMessage();
    private Step _step = Step.Challenge;

    /// <summary>Starts a handshake; the server speaks first, so <see cref="PythonHandshake.Output"/> starts empty.</summary>
    /// <param name="key">The manager's key.</param>
    /// <param name="requireSha256">Whether to refuse MD5 challenges and MD5 answers.</param>
    public PythonClientHandshake(ReadOnlyMemory<byte> key, bool requireSha256)
        : base(key) => _requireSha256 = requireSha256;

    private enum Step
    {
        Challenge,
        Welcome,
        Answer,
    }

    /// <summary>Gets a value indicating whether the server sent a legacy (3.8–3.11, 20-byte) challenge, once received.</summary>
    public bool ServerChallengeIsLegacy { get; private set; }

    /// <summary>Gets the digest of the server's answer (<c>md5</c> for a raw answer), once it has been checked.</summary>
    public string? ServerDigest { get; private set; }

    /// <inheritdoc/>
    protected override (int Min, int Max) ExpectedLength => _step switch
    {
        Step.Challenge => (PythonChallenge.MinChallengeFrameLength, PythonFrame.MaxHandshakeFrameLength),
        Step.Welcome => (PythonChallenge.Welcome.Length, PythonChallenge.Welcome.Length),
        _ => (0, PythonFrame.MaxHandshakeFrameLength),
    };

    /// <inheritdoc/>
    protected override string? ReceivedPrefixProblem(ReadOnlySpan<byte> received)
        => _step == Step.Challenge ? ChallengePrefixProblem(received) : null;

    /// <inheritdoc/>
    protected override void OnFrame(ReadOnlySpan<byte> payload)
    {
        switch (_step)
        {
            case Step.Challenge:
                bool answered = AnswerChallenge(payload, _requireSha256, "manager", out bool legacy);
                ServerChallengeIsLegacy = legacy;
                if (answered)
                {
                    _step = Step.Welcome;
                }

                return;
            case Step.Welcome:
                if (ReadVerdict(payload, "manager", "The Python manager rejected the authentication key."))
                {
                    Send([.. PythonChallenge.ChallengePrefix, .. _message]);
                    _step = Step.Answer;
                }

                return;
            default:
                bool accepted = CheckAnswer(payload, _message, _requireSha256, static _ => "The Python manager could not prove it holds the authentication key.", out string? digest);
                ServerDigest = digest;
                if (accepted)
                {
                    Complete();
                }

                return;
        }
    }
}
