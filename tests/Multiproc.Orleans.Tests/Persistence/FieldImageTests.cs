using System.Collections.Concurrent;
using System.Collections.Immutable;
using MessagePack;
using MessagePack.Formatters;
using Multiproc.Orleans.Silo;
using Multiproc.Serialization;

namespace Multiproc.Orleans.Tests.Persistence;

/// <summary>
/// An object's image, written and read with the options a silo uses for images (<see cref="ImageResolver"/>): what
/// it writes reads back the same, and a collection whose comparer would not survive is refused when written.
/// </summary>
public sealed class FieldImageTests
{
    private static readonly MessagePackSerializerOptions s_options = ImageResolver.Options(WireOptions.Create(new NoReferences()));

    public static TheoryData<object, string> CustomComparers => new()
    {
        { new Holder { Map = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase) { ["a"] = 1 } }, "OrdinalIgnoreCaseComparer" },
        { new Holder { Set = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "a" } }, "OrdinalIgnoreCaseComparer" },
        { new Holder { Sorted = new SortedDictionary<string, int>(StringComparer.Ordinal) { ["a"] = 1 } }, "OrdinalCaseSensitiveComparer" },
        { new Holder { Nested = [new HashSet<int>(new ModuloComparer()) { 1 }] }, "ModuloComparer" },
    };

    [Theory]
    [MemberData(nameof(CustomComparers))]
    public void Capture_CollectionWithAComparerOfItsOwn_Throws_NamingTheFieldAndTheComparer(object holder, string comparer)
    {
        InvalidOperationException thrown = Assert.Throws<InvalidOperationException>(() => FieldImage.For(typeof(Holder)).Capture(holder, s_options));

        Assert.Contains("of Holder", thrown.Message, StringComparison.Ordinal);
        Assert.Contains(comparer, thrown.Message, StringComparison.Ordinal);
        Assert.Contains("would come back with the default one", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CaptureRestoreCapture_DefaultAndOrdinalComparers_ReadBackTheSameAndWriteAgain()
    {
        var holder = new Holder
        {
            Map = new Dictionary<string, int>(StringComparer.Ordinal) { ["a"] = 1, ["A"] = 2 },
            Set = ["x"],
            Sorted = new SortedDictionary<string, int> { ["b"] = 2 },
            Nested = [[3]],
            Concurrent = new ConcurrentDictionary<int, string> { [4] = "four" },
            SortedSet = ["s"],
            Immutable = ImmutableDictionary<string, int>.Empty.Add("i", 5),
            ImmutableSet = [6],
            ImmutableSorted = ImmutableSortedDictionary<string, int>.Empty.Add("j", 7),
        };
        FieldImage image = FieldImage.For(typeof(Holder));

        byte[] written = image.Capture(holder, s_options);
        var back = (Holder)image.Restore(written, s_options);

        // Read back, dictionaries hold MessagePack's collision-resistant comparer: writing them again must be allowed.
        Assert.Equal(written, image.Capture(back, s_options));
        Assert.Equal(2, back.Map["A"]);
        Assert.False(back.Map.ContainsKey("b"));
        Assert.Contains("x", back.Set);
        Assert.Equal(2, back.Sorted["b"]);
        Assert.Equal("four", back.Concurrent[4]);
        Assert.Contains("s", back.SortedSet);
        Assert.Equal(5, back.Immutable["i"]);
        Assert.Contains(6, back.ImmutableSet);
        Assert.Equal(7, back.ImmutableSorted["j"]);
    }

    [Fact]
    public void Restore_PrivateReadonlyAndBaseClassFields_AndNestedObjectsSetByInitSetterOrConstructor_ComeBackAsCaptured()
    {
        var journal = new Journal(7) { Title = "log" };
        journal.Write("first");
        FieldImage image = FieldImage.For(typeof(Journal));

        var back = (Journal)image.Restore(image.Capture(journal, s_options), s_options);

        Assert.Equal(7, back.Id);
        Assert.Equal("log", back.Title);
        Assert.Equal("first", back.Last.Text);
        Assert.Equal(1, back.Count.Value);
        Assert.Equal(["first"], back.Lines);
    }

    public sealed class Holder
    {
        public Dictionary<string, int> Map { get; set; } = [];

        public HashSet<string> Set { get; set; } = [];

        public SortedDictionary<string, int> Sorted { get; set; } = [];

        public List<HashSet<int>> Nested { get; set; } = [];

        public ConcurrentDictionary<int, string> Concurrent { get; set; } = [];

        public SortedSet<string> SortedSet { get; set; } = [];

        public ImmutableDictionary<string, int> Immutable { get; set; } = ImmutableDictionary<string, int>.Empty;

        public ImmutableHashSet<int> ImmutableSet { get; set; } = [];

        public ImmutableSortedDictionary<string, int> ImmutableSorted { get; set; } = ImmutableSortedDictionary<string, int>.Empty;
    }

    public sealed class ModuloComparer : IEqualityComparer<int>
    {
        public bool Equals(int x, int y) => x % 10 == y % 10;

        public int GetHashCode(int obj) => obj % 10;
    }

    public abstract class Entity(int id)
    {
        private readonly int _id = id;

        public int Id => _id;
    }

    public sealed class Note(string text)
    {
        public string Text { get; } = text;
    }

    public sealed class Tally
    {
        public int Value { get; init; }
    }

    public sealed class Journal(int id) : Entity(id)
    {
        private readonly List<string> _lines = [];

        public string Title { get; set; } = string.Empty;

        public Note Last { get; private set; } = new(string.Empty);

        public Tally Count { get; private set; } = new();

        public IReadOnlyList<string> Lines => _lines;

        public void Write(string line)
        {
            _lines.Add(line);
            Last = new Note(line);
            Count = new Tally { Value = Count.Value + 1 };
        }
    }

    private sealed class NoReferences : IReferenceCodec
    {
        public bool TryEncode(object value, Type declaredType, out long objectId, out string typeId)
        {
            objectId = 0;
            typeId = string.Empty;
            return false;
        }

        public object Decode(long objectId, string typeId, Type declaredType) => throw new NotSupportedException("No references in these images.");

        public IMessagePackFormatter<T>? GetSideFormatter<T>() => null;
    }
}
