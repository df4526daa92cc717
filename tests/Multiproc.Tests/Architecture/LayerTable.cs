namespace Multiproc.Tests.Architecture;

/// <summary>The allowed arrows, parsed from the table between the <c>arrows:begin</c> and <c>arrows:end</c>
/// markers in <c>docs/architecture.md</c>.</summary>
internal sealed class LayerTable
{
    private const string BeginMarker = "<!-- arrows:begin -->";
    private const string EndMarker = "<!-- arrows:end -->";

    private LayerTable(IReadOnlySet<Arrow> arrows) => Arrows = arrows;

    public IReadOnlySet<Arrow> Arrows { get; }

    public static LayerTable Load() => Parse(File.ReadAllText(RepositoryPaths.ArchitectureDocument));

    public static LayerTable Parse(string markdown)
    {
        int begin = markdown.IndexOf(BeginMarker, StringComparison.Ordinal);
        int end = markdown.IndexOf(EndMarker, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new FormatException($"The document has no table between {BeginMarker} and {EndMarker}.");
        }

        var arrows = new HashSet<Arrow>();
        string table = markdown[(begin + BeginMarker.Length)..end];
        foreach (string line in table.Split('\n'))
        {
            string[] cells = line.Trim().Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length != 4 || cells[1] is "from" || cells[1].StartsWith('-'))
            {
                continue;
            }

            if (!arrows.Add(new Arrow(cells[1], cells[2])))
            {
                throw new FormatException($"The table lists {cells[1]} -> {cells[2]} twice.");
            }
        }

        return arrows.Count > 0 ? new LayerTable(arrows) : throw new FormatException("The arrow table is empty.");
    }
}
