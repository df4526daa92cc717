using System.Buffers;
using System.Buffers.Binary;
using System.Security.Authentication;

namespace Multiproc.Python.Wire;

/// <summary>
/// One side of CPython's mutual challenge-response as a state machine that does no I/O: send
/// <see cref="Output"/>, feed received bytes through <see cref="Unfilled"/> and <see cref="Advance"/>, and repeat
/// until <see cref="IsComplete"/> or <see cref="Failure"/>.
/// </summary>
/// <remarks>
/// <para>
/// Without I/O, the same machine runs under a blocking driver with one deadline
/// (<see cref="PythonHandshakeRunner"/>) or under a readiness-polling accept thread that holds no thread per
/// unauthenticated peer (as the native <c>ConnectionAcceptor</c> does).
/// </para>
/// <para>
/// Bounds: it never asks for more than the rest of the current frame (<see cref="Missing"/>), so no byte after
/// the handshake is consumed; a frame over <see cref="PythonFrame.MaxHandshakeFrameLength"/> bytes (CPython's own
/// limit) or of a length the current step cannot have fails on its header, and a challenge whose first bytes are
/// not <c>#CHALLENGE#</c> fails on the first wrong byte. The largest buffer is 256 bytes.
/// </para>
/// <para>
/// Failures: a wrong key or a refused answer sets <see cref="Failure"/> to an
/// <see cref="System.Security.Authentication.AuthenticationException"/> after queueing <c>#FAILURE#</c> when the
/// peer is owed one; bytes that are not this protocol set it to a <see cref="ProtocolViolationException"/>. Either
/// way the driver sends what is in <see cref="Output"/>, then closes. Not thread-safe.
/// </para>
/// </remarks>
internal abstract class PythonHandshake
{
    private readonly ReadOnlyMemory<byte> _key;
    private readonly ArrayBufferWriter<byte> _output = new(PythonFrame.MaxHandshakeFrameLength);
    private readonly byte[] _header = new byte[PythonFrame.ShortHeaderSize];
    private byte[]? _payload;
    private int _received;

    /// <summary>Starts a handshake that proves knowledge of <paramref name="key"/>.</summary>
    protected PythonHandshake(ReadOnlyMemory<byte> key) => _key = key;

    /// <summary>Gets the bytes to send before the next receive.</summary>
    public ReadOnlySpan<byte> Output => _output.WrittenSpan;

    /// <summary>Gets a value indicating whether both sides have accepted each other.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>Gets why the handshake failed, or <see langword="null"/>; set once, after which nothing more is read.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Gets how many bytes the current frame (its header, then its payload) still lacks; 0 once finished.</summary>
    public int Missing => IsComplete || Failure is not null ? 0
        : _payload is null ? _header.Length - _received
        : _payload.Length - _received;

    /// <summary>Gets where the next received bytes go (<see cref="Missing"/> bytes long).</summary>
    public Span<byte> Unfilled => Missing == 0 ? [] : _payload is null ? _header.AsSpan(_received) : _payload.AsSpan(_received);

    /// <summary>Gets the authentication key.</summary>
    protected ReadOnlySpan<byte> Key => _key.Span;

    /// <summary>Forgets <see cref="Output"/> once it has been sent.</summary>
    public void ClearOutput() => _output.ResetWrittenCount();

    /// <summary>Records that <paramref name="count"/> bytes were written to <see cref="Unfilled"/>, and acts on a completed frame.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or over <see cref="Missing"/>.</exception>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Missing);
        if (count == 0)
        {
            return;
        }

        _received += count;
        if (_payload is null)
        {
            if (_received == _header.Length)
            {
                StartPayload();
            }
        }
        else
        {
            if (ReceivedPrefixProblem(_payload.AsSpan(0, _received)) is { } problem)
            {
                Fail(new ProtocolViolationException(problem));
                return;
            }

            if (_received == _payload.Length)
            {
                Deliver();
            }
        }
    }

    /// <summary>Gets the shortest and longest payload the next frame may have (both at most 256).</summary>
    protected abstract (int Min, int Max) ExpectedLength { get; }

    /// <summary>Acts on a complete frame.</summary>
    protected abstract void OnFrame(ReadOnlySpan<byte> payload);

    /// <summary>Says why the first bytes of the frame being received already rule it out, or returns <see langword="null"/>.</summary>
    protected virtual string? ReceivedPrefixProblem(ReadOnlySpan<byte> received) => null;

    /// <summary>Queues <paramref name="payload"/> as a frame to send.</summary>
    protected void Send(ReadOnlySpan<byte> payload) => PythonFrameWriter.Append(_output, payload);

    /// <summary>Ends the handshake successfully.</summary>
    protected void Complete() => IsComplete = true;

    /// <summary>Ends the handshake with <paramref name="failure"/>.</summary>
    protected void Fail(Exception failure) => Failure ??= failure;

    /// <summary>
    /// Answers the peer's <c>#CHALLENGE#</c> frame (raw HMAC-MD5 to a legacy 20-byte message, <c>{sha256}</c>
    /// otherwise); both sides do this, the server second and the client first.
    /// </summary>
    /// <param name="payload">The whole challenge frame.</param>
    /// <param name="requireSha256">Whether an MD5-only (legacy) challenge is refused.</param>
    /// <param name="peer">"client" or "manager", for the messages.</param>
    /// <param name="legacy">Whether the challenge was the legacy 20-byte form.</param>
    /// <returns>Whether the answer was queued; false when the handshake failed.</returns>
    protected bool AnswerChallenge(ReadOnlySpan<byte> payload, bool requireSha256, string peer, out bool legacy)
    {
        ReadOnlySpan<byte> message = payload[PythonChallenge.ChallengePrefix.Length..];
        legacy = PythonChallenge.IsLegacy(message);
        if (legacy && requireSha256)
        {
            Fail(new AuthenticationException($"The Python {peer} sent an MD5-only challenge (CPython 3.11 or older); SHA-256 is required."));
            return false;
        }

        try
        {
            Send(PythonChallenge.Respond(Key, message));
            return true;
        }
        catch (AuthenticationException ex)
        {
            Fail(ex);
            return false;
        }
    }

    /// <summary>Checks the peer's answer to <paramref name="challenge"/>, and sends <c>#WELCOME#</c> or <c>#FAILURE#</c> (then fails).</summary>
    /// <param name="payload">The answer frame.</param>
    /// <param name="challenge">The message this side sent after <c>#CHALLENGE#</c>.</param>
    /// <param name="requireSha256">Whether MD5 answers are refused.</param>
    /// <param name="refused">The failure's message given the answer's digest (<c>md5</c> for a raw answer), when refused.</param>
    /// <param name="digest">The answer's digest name.</param>
    /// <returns>Whether the answer proved the key.</returns>
    protected bool CheckAnswer(ReadOnlySpan<byte> payload, byte[] challenge, bool requireSha256, Func<string?, string> refused, out string? digest)
    {
        if (!PythonChallenge.Verify(Key, challenge, payload, allowMd5: !requireSha256, out digest))
        {
            Send(PythonChallenge.Failure);
            Fail(new AuthenticationException(refused(digest)));
            return false;
        }

        Send(PythonChallenge.Welcome);
        return true;
    }

    /// <summary>Reads the peer's verdict on this side's answer: completes on <c>#WELCOME#</c>, fails otherwise.</summary>
    /// <param name="payload">The verdict frame.</param>
    /// <param name="peer">"client" or "manager", for the messages.</param>
    /// <param name="rejected">The failure's message for <c>#FAILURE#</c>.</param>
    /// <returns>Whether the peer welcomed this side.</returns>
    protected bool ReadVerdict(ReadOnlySpan<byte> payload, string peer, string rejected)
    {
        if (payload.SequenceEqual(PythonChallenge.Welcome))
        {
            return true;
        }

        Fail(payload.SequenceEqual(PythonChallenge.Failure)
            ? new AuthenticationException(rejected)
            : new ProtocolViolationException($"The Python {peer} sent neither #WELCOME# nor #FAILURE#."));
        return false;
    }

    /// <summary>Says why a challenge frame received so far is not one, or <see langword="null"/>.</summary>
    protected static string? ChallengePrefixProblem(ReadOnlySpan<byte> received)
    {
        int checkable = Math.Min(received.Length, PythonChallenge.ChallengePrefix.Length);
        return received[..checkable].SequenceEqual(PythonChallenge.ChallengePrefix[..checkable])
            ? null
            : "The peer sent something other than #CHALLENGE#.";
    }

    private void StartPayload()
    {
        // The long form (-1) announces over 2 GiB and any other negative length is garbage: both are over the limit.
        long length = BinaryPrimitives.ReadInt32BigEndian(_header) is int declared && declared >= 0 ? declared : long.MaxValue;
        (int min, int max) = ExpectedLength;
        if (length > PythonFrame.MaxHandshakeFrameLength)
        {
            Fail(new ProtocolViolationException($"The peer sent a handshake frame longer than {PythonFrame.MaxHandshakeFrameLength} bytes."));
            return;
        }

        if (length < min || length > max)
        {
            Fail(new ProtocolViolationException($"The peer sent a {length}-byte handshake frame where {min} to {max} bytes were expected."));
            return;
        }

        _payload = new byte[(int)length];
        _received = 0;
        if (length == 0)
        {
            Deliver();
        }
    }

    private void Deliver()
    {
        byte[] payload = _payload!;
        _payload = null;
        _received = 0;
        OnFrame(payload);
    }
}
