using System.Security.Authentication;

namespace Multiproc.Python.Wire;

/// <summary>
/// The server side of CPython's <c>Listener.accept</c> handshake: challenge the client, check its answer, then
/// answer the client's challenge.
/// </summary>
/// <remarks>
/// <para>
/// Sends <c>#CHALLENGE#{sha256}</c> and 40 random bytes, which every client from 3.8 up answers: 3.12+ with
/// <c>{sha256}</c> and HMAC-SHA256 over the whole message, 3.8–3.11 with a raw 16-byte HMAC-MD5 over the same
/// bytes. Any digest CPython allows (<c>md5</c>, <c>sha256</c>, <c>sha384</c>, <c>sha3_256</c>, <c>sha3_384</c>)
/// is accepted in the prefixed form. Then answers the client's challenge: a 3.8–3.11 client sends 20 raw bytes and
/// gets a raw HMAC-MD5, a 3.12+ client sends <c>{sha256}</c> and 40 bytes and gets <c>{sha256}</c> and its MAC.
/// </para>
/// <para>
/// MD5 is accepted here, on the Python listener, only because stock 3.8–3.11 clients cannot do anything else;
/// the native protocol stays SHA-256 only. <c>requireSha256</c> refuses MD5 in both directions, and with it
/// every client older than 3.12.
/// </para>
/// </remarks>
internal sealed class PythonServerHandshake : PythonHandshake
{
    private readonly bool _requireSha256;
    private readonly byte[] _message = PythonChallenge.NewMessage();
    private Step _step = Step.Answer;

    /// <summary>Starts a handshake and queues the server's challenge in <see cref="PythonHandshake.Output"/>.</summary>
    /// <param name="key">The manager's key.</param>
    /// <param name="requireSha256">Whether to refuse MD5 answers and MD5-only (20-byte) client challenges.</param>
    public PythonServerHandshake(ReadOnlyMemory<byte> key, bool requireSha256)
        : base(key)
    {
        _requireSha256 = requireSha256;
        Send([.. PythonChallenge.ChallengePrefix, .. _message]);
    }

    private enum Step
    {
        Answer,
        Challenge,
        Welcome,
    }

    /// <summary>Gets the digest of the client's answer (<c>md5</c> for a raw answer), once it has been checked.</summary>
    public string? ClientDigest { get; private set; }

    /// <summary>Gets a value indicating whether the client sent a legacy (3.8–3.11, 20-byte) challenge, once received.</summary>
    public bool ClientChallengeIsLegacy { get; private set; }

    /// <inheritdoc/>
    protected override (int Min, int Max) ExpectedLength => _step switch
    {
        Step.Answer => (0, PythonFrame.MaxHandshakeFrameLength),
        Step.Challenge => (PythonChallenge.MinChallengeFrameLength, PythonFrame.MaxHandshakeFrameLength),
        _ => (PythonChallenge.Welcome.Length, PythonChallenge.Welcome.Length),
    };

    /// <inheritdoc/>
    protected override string? ReceivedPrefixProblem(ReadOnlySpan<byte> received)
        => _step == Step.Challenge ? ChallengePrefixProblem(received) : null;

    /// <inheritdoc/>
    protected override void OnFrame(ReadOnlySpan<byte> payload)
    {
        switch (_step)
        {
            case Step.Answer:
                bool accepted = CheckAnswer(payload, _message, _requireSha256, RefusedAnswer, out string? digest);
                ClientDigest = digest;
                if (accepted)
                {
                    _step = Step.Challenge;
                }

                return;
            case Step.Challenge:
                bool answered = AnswerChallenge(payload, _requireSha256, "client", out bool legacy);
                ClientChallengeIsLegacy = legacy;
                if (answered)
                {
                    _step = Step.Welcome;
                }

                return;
            default:
                if (ReadVerdict(payload, "client", "The Python client rejected the manager's answer: the keys differ."))
                {
                    Complete();
                }

                return;
        }
    }

    private string RefusedAnswer(string? digest) => digest == "md5" && _requireSha256
        ? "The Python client answered with HMAC-MD5 (CPython 3.11 or older); this listener requires SHA-256 (CPython 3.12+)."
        : "The Python client's answer to the challenge was wrong: it does not hold the manager's key.";
}
