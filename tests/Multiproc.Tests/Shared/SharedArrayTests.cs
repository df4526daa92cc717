using Multiproc.Memory;

namespace Multiproc.Tests.Shared;

[Trait("Kind", "Process")]
public sealed class SharedArrayTests
{
    private const int TimeoutMs = 60_000;

    // Checks the header, then writes element i = 1000 + i (int64) for i in 0..count-1.
    private const string WriteElementsScript = """
        import mmap, os, struct, sys
        fd = os.open(sys.argv[1], os.O_RDWR)
        m = mmap.mmap(fd, 0)
        os.close(fd)
        magic, version, element_size, length = struct.unpack_from('<4sHxxixxxxq', m, 0)
        assert (magic, version, element_size) == (b'MPSA', 1, 8), (magic, version, element_size)
        for i in range(length):
            struct.pack_into('<q', m, 64 + 8 * i, 1000 + i)
        print(length)
        m.close()
        """;

    [Fact]
    public void Create_Length_ZeroFilledWithRequestedLength()
    {
        using var array = SharedArray<long>.Create(1000);

        Assert.Equal(1000, array.Length);
        Assert.Equal(1000, array.Span.Length);
        Assert.True(array.Span.IndexOfAnyExcept(0L) < 0);
        Assert.True(File.Exists(array.Memory.FilePath));
    }

    [Fact]
    public void Create_NegativeLength_ThrowsArgumentOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SharedArray<int>.Create(-1));

    [Fact]
    public void Create_ZeroLength_OpensAsEmpty()
    {
        using var array = SharedArray<int>.Create(0);
        using var other = SharedArray<int>.Open(array.Name);

        Assert.Equal(0, other.Length);
        Assert.True(other.Span.IsEmpty);
    }

    [Fact]
    public void Open_SameName_SharesElements()
    {
        using var owner = SharedArray<int>.Create(16);
        using var other = SharedArray<int>.Open(owner.Name);

        owner[3] = 33;
        other[15] = 1515;

        Assert.Equal(16, other.Length);
        Assert.Equal(33, other[3]);
        Assert.Equal(1515, owner.Span[15]);
    }

    [Fact]
    public void Open_DifferentElementSize_ThrowsInvalidData()
    {
        using var array = SharedArray<long>.Create(4);

        Assert.Throws<InvalidDataException>(() => SharedArray<int>.Open(array.Name));
    }

    [Fact]
    public void Open_PlainSharedMemory_ThrowsInvalidData()
    {
        using var block = SharedMemory.Create(4096);
        using var tiny = SharedMemory.Create(8);

        Assert.Throws<InvalidDataException>(() => SharedArray<long>.Open(block.Name));
        Assert.Throws<InvalidDataException>(() => SharedArray<long>.Open(tiny.Name));
    }

    [Fact]
    public void Open_HeaderLengthBeyondBlock_ThrowsInvalidData()
    {
        using var array = SharedArray<long>.Create(4);
        array.Memory.GetSpan(16, 8)[0] = 5;

        Assert.Throws<InvalidDataException>(() => SharedArray<long>.Open(array.Name));
    }

    [Fact]
    public void Open_Descriptor_RoundTripsAndChecksLengthAndElementSize()
    {
        using var array = SharedArray<long>.Create(10);
        SharedArrayDescriptor descriptor = array.Descriptor;

        using (var opened = SharedArray<long>.Open(descriptor))
        {
            Assert.Equal(new SharedArrayDescriptor(array.Name, sizeof(long), 10), opened.Descriptor);
        }

        Assert.Throws<InvalidDataException>(() => SharedArray<long>.Open(descriptor with { Length = 11 }));
        Assert.Throws<InvalidDataException>(() => SharedArray<double>.Open(descriptor with { ElementSize = 4 }));
        Assert.Throws<InvalidDataException>(() => SharedArray<int>.Open(descriptor));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(10)]
    public void Indexer_OutOfRange_ThrowsIndexOutOfRange(int index)
    {
        using var array = SharedArray<long>.Create(10);

        Assert.Throws<IndexOutOfRangeException>(() => array[index]);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(10)]
    public void Add_IndexOutOfRange_ThrowsArgumentOutOfRange(int index)
    {
        using var array = SharedArray<long>.Create(10);

        Assert.Throws<ArgumentOutOfRangeException>(() => array.Add(index, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => array.Read(index));
        Assert.Throws<ArgumentOutOfRangeException>(() => array.CompareExchange(index, 1, 0));
    }

    [Fact]
    public void Add_NonIntegerElements_ThrowsNotSupported()
    {
        using var array = SharedArray<double>.Create(1);

        Assert.Throws<NotSupportedException>(() => array.Add(0, 1));
        Assert.Throws<NotSupportedException>(() => array.Increment(0));
        Assert.Throws<NotSupportedException>(() => array.Exchange(0, 1.0));
        Assert.Throws<NotSupportedException>(() => array.CompareExchange(0, 1.0, 0.0));
        Assert.Throws<NotSupportedException>(() => array.Read(0));
        Assert.Throws<NotSupportedException>(() => array.Write(0, 1.0));
    }

    [Fact]
    public void Add_ThirtyTwoBitElements_WrapsAroundLikeInterlocked()
    {
        using var ints = SharedArray<int>.Create(1);
        using var uints = SharedArray<uint>.Create(1);
        using var ulongs = SharedArray<ulong>.Create(1);
        ints[0] = int.MaxValue;

        Assert.Equal(int.MinValue, ints.Increment(0));
        Assert.Equal(uint.MaxValue, uints.Decrement(0));
        Assert.Equal(5, uints.Add(0, 6));
        Assert.Equal(-1, ulongs.Add(0, -1));
        Assert.Equal(ulong.MaxValue, ulongs[0]);
    }

    [Fact]
    public void CompareExchange_MatchingAndStaleComparand_SwapsOnlyWhenMatching()
    {
        using var array = SharedArray<long>.Create(2);
        array.Write(0, 5);

        Assert.Equal(5, array.CompareExchange(0, 6, 5));
        Assert.Equal(6, array.CompareExchange(0, 7, 5));
        Assert.Equal(6, array.Exchange(0, 8));
        Assert.Equal(8, array.Read(0));
        Assert.Equal(0, array.Read(1));
    }

    [Fact(Timeout = TimeoutMs)]
    public async Task Add_FourThreadsTimes100000_ExactSum()
    {
        const int Iterations = 100_000;
        using var owner = SharedArray<long>.Create(2);
        using var other = SharedArray<long>.Open(owner.Name);
        using var start = new Barrier(4);

        // Two threads per mapping: the atomics hold across mappings, not just within one.
        Task[] workers = [.. Enumerable.Range(0, 4).Select(i => Task.Factory.StartNew(
            () =>
            {
                SharedArray<long> target = i % 2 == 0 ? owner : other;
                start.SignalAndWait(TimeSpan.FromSeconds(30));
                for (int n = 0; n < Iterations; n++)
                {
                    target.Add(1, 1);
                }
            },
            TaskCreationOptions.LongRunning))];
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMilliseconds(TimeoutMs));

        Assert.Equal(4L * Iterations, owner.Read(1));
        Assert.Equal(0, other.Read(0));
    }

    [Fact(Timeout = TimeoutMs)]
    public async Task Open_FromPythonProcess_ElementsWrittenThereAreVisible()
    {
        using var array = SharedArray<long>.Create(5);

        ChildProcessResult result = await ChildProcessRunner.RunPythonAsync(WriteElementsScript, array.Memory.FilePath);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("5", result.Output.Trim());
        Assert.Equal(new long[] { 1000, 1001, 1002, 1003, 1004 }, array.Span.ToArray());
    }

    [Fact]
    public void Dispose_OwnerRemovesFileOpenerDoesNot()
    {
        var owner = SharedArray<int>.Create(4);
        string path = owner.Memory.FilePath;

        SharedArray<int>.Open(owner.Name).Dispose();
        Assert.True(File.Exists(path));
        owner.Dispose();

        Assert.False(File.Exists(path));
        Assert.Throws<ObjectDisposedException>(() => owner.Span.Length);
    }

    [Fact]
    public void Unlink_WhileOpenedElsewhere_ElementsStayShared()
    {
        using var owner = SharedArray<long>.Create(4);
        using var other = SharedArray<long>.Open(owner.Name);

        other.Unlink();
        owner.Increment(2);

        Assert.False(File.Exists(owner.Memory.FilePath));
        Assert.Equal(1, other.Read(2));
    }
}
