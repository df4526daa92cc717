using System.Net.Sockets;
using MessagePack;
using Microsoft.Extensions.Logging;
using Multiproc.Protocol;

namespace Multiproc.Server;

/// <summary>The reader side of a connection: the read loop, the hand-off when a call runs inline too long, and corked replies.</summary>
internal sealed partial class ServerConnection
{
    /// <summary>
    /// If the reader thread has been running one call inline for too long, a new thread takes over
    /// reading; the old one finishes its call, sends its reply directly and exits.
    /// </summary>
    public void HandOffIfStalled()
    {
        long since = Volatile.Read(ref _inlineSince);
        if (since == 0 || Host.Settings.TimeProvider.GetElapsedTime(since) < s_stallLimit)
        {
            return;
        }

        lock (_roleLock)
        {
            // Exactly one side wins this exchange: the watchdog (the reader is handed off) or the
            // reader finishing its call (it keeps reading).
            if (!IsClosed && Interlocked.CompareExchange(ref _inlineSince, 0, since) == since)
            {
                _inlineCall?.MarkSlow();
                StartReader();
            }
        }
    }

    private void StartReader()
    {
        var thread = new Thread(ReadLoop) { IsBackground = true, Name = $"multiproc-server-{Id}" };
        thread.Start();
        _readerThreadId = thread.ManagedThreadId;
    }

    private void ReadLoop()
    {
        bool handedOff = false;
        try
        {
            FlushCork();
            while (true)
            {
                WaitWhileRepliesBackUp();
                ReadOnlyMemory<byte> payload = _reader.ReadFrame();
                if (HandleFrame(payload))
                {
                    // A call ran long and another thread took over reading; this one is done.
                    handedOff = true;
                    return;
                }

                if (_corkBytes > 0 && (!_reader.HasBufferedFrame || _corkBytes > CorkLimit))
                {
                    FlushCork();
                }
            }
        }
        catch (EndOfStreamException)
        {
            LogClosed(_logger, Id, "the client closed the connection");
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            LogClosed(_logger, Id, ex.Message);
        }
        catch (Exception ex) when (ex is ProtocolViolationException or MessagePackSerializationException or InvalidOperationException or OverflowException)
        {
            LogProtocolViolation(_logger, ex, Id);
            ServerMetrics.CountDropped(DropReasons.ProtocolViolation);
        }
        finally
        {
            if (!handedOff)
            {
                Close();
            }
        }
    }

    /// <inheritdoc/>
    public override void Send(FrameBuffer frame)
    {
        try
        {
            frame.Seal(Host.Settings.MaxFrameSize);
            if (Environment.CurrentManagedThreadId == Volatile.Read(ref _readerThreadId))
            {
                lock (_roleLock)
                {
                    // Replies produced while the reader works through a batch leave together when it ends.
                    if (Environment.CurrentManagedThreadId == _readerThreadId)
                    {
                        _sender.Hold(frame.Frame);
                        _corkBytes += frame.Frame.Length;
                        return;
                    }
                }
            }

            _sender.SendDeferred(frame.Frame);
        }
        catch (IOException)
        {
            // The client is gone; its reader thread closes the connection.
        }
    }

    private void FlushCork()
    {
        _corkBytes = 0;
        _sender.Flush();
    }
}
