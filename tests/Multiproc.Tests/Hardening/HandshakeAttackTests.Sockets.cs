using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Multiproc.Protocol;
using Multiproc.Proxies;
using Multiproc.Server;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;
using Multiproc.Transport;

namespace Multiproc.Tests.Hardening;

/// <summary>Strangers' sockets and the manager process's threads and descriptors, as the attack tests observe them.</summary>
public partial class HandshakeAttackTests
{
    private static async Task ConnectAndCallAsync(string address, byte[] key)
    {
        await using Manager manager = await Manager.ConnectAsync(address, key, cancellationToken: TestTimeout.Token());
        IEmployee employee = await manager.CreateAsync<IEmployee>("Real", 1m);
        Assert.Equal("Real", employee.Name);
    }

    private static async Task<Socket> ConnectStrangerAsync(string address)
    {
        ManagerAddress parsed = ManagerAddress.Parse(address);
        Socket socket = parsed.CreateSocket();
        try
        {
            await socket.ConnectAsync(parsed.CreateEndPoint(), TestTimeout.Token());
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task DripAsync(List<Socket> sockets, TimeSpan interval, CancellationToken cancellationToken)
    {
        byte[] hello = new byte[Handshake.ClientHelloSize];
        ProtocolConstants.Magic.CopyTo(hello);
        hello[4] = (byte)ProtocolConstants.Version;
        for (int sent = 0; sent < hello.Length && !cancellationToken.IsCancellationRequested; sent++)
        {
            foreach (Socket socket in sockets)
            {
                try
                {
                    socket.Send(hello.AsSpan(sent, 1));
                }
                catch (SocketException)
                {
                    // Closed by the manager: what the test expects sooner or later.
                }
            }

            await Task.Delay(interval, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static async Task ReceiveExactlyAsync(Socket socket, int count)
    {
        byte[] buffer = new byte[count];
        for (int received = 0; received < count;)
        {
            int read = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, TestTimeout.Token());
            Assert.True(read > 0, "the manager closed the connection before its hello");
            received += read;
        }
    }

    /// <summary>Reads (the hello and anything else) until end of stream; false if the token expires first.</summary>
    private static async Task<bool> IsClosedByServerAsync(Socket socket, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[256];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static int ThreadCount(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                return int.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"No thread count for process {pid}.");
    }

    /// <summary>The thread count once two readings 200 ms apart agree (threads of a closed connection take a moment to end).</summary>
    private static async Task<int> SteadyThreadCountAsync(int pid)
    {
        int last = -1;
        int current = ThreadCount(pid);
        for (int i = 0; i < 50 && current != last; i++)
        {
            await Task.Delay(200, TestTimeout.Token());
            (last, current) = (current, ThreadCount(pid));
        }

        return Math.Max(last, current);
    }

    private static int OpenDescriptors(int pid)
    {
        try
        {
            return Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The open-file flags of one of this process's descriptors, as the kernel reports them (octal in /proc).</summary>
    private static int DescriptorFlags(int fd)
    {
        string line = File.ReadLines($"/proc/self/fdinfo/{fd}").First(l => l.StartsWith("flags:", StringComparison.Ordinal));
        return Convert.ToInt32(line[6..].Trim(), 8);
    }
}
