namespace Multiproc.Serialization;

/// <summary>The reader and writer of <typeparamref name="T"/>, looked up once per type.</summary>
internal static class ValueCodec<T>
{
    public static readonly ValueReader Reader = ValueCodec.GetReader(typeof(T));

    public static readonly ValueWriter Writer = ValueCodec.GetWriter(typeof(T));
}
