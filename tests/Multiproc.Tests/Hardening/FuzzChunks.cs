using CsCheck;

namespace Multiproc.Tests.Hardening;

/// <summary>How a byte stream is cut into separate writes, so readers meet every split point.</summary>
internal static class FuzzChunks
{
    /// <summary>Gets a generator of cut sizes: mostly small (1..16 bytes), sometimes whole.</summary>
    public static Gen<int[]> Sizes { get; } = Gen.Frequency(
        (3, Gen.Int[1, 16].Array[1, 8]),
        (1, Gen.Int[1, 4096].Array[1, 4]),
        (1, Gen.Const(new[] { int.MaxValue })));

    /// <summary>Cuts <paramref name="data"/> into pieces whose sizes cycle through <paramref name="sizes"/>.</summary>
    public static List<ArraySegment<byte>> Split(byte[] data, int[] sizes)
    {
        var pieces = new List<ArraySegment<byte>>();
        int at = 0;
        for (int i = 0; at < data.Length; i++)
        {
            int size = Math.Min(sizes[i % sizes.Length], data.Length - at);
            pieces.Add(new ArraySegment<byte>(data, at, size));
            at += size;
        }

        return pieces;
    }
}
