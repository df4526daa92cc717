using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Multiproc.Tests.Architecture;

/// <summary>Builds the node graph of a compiled assembly from its metadata: an arrow for every type that names
/// a type of another node. Nested and compiler-generated types count as their outermost declaring type; types
/// without a namespace (<c>&lt;Module&gt;</c>, <c>&lt;PrivateImplementationDetails&gt;</c>) are skipped.</summary>
internal static class AssemblyGraph
{
    /// <param name="assemblyPath">The assembly to read.</param>
    /// <param name="nodeOfType">The node of a top-level type, given its namespace and metadata name, or
    /// <see langword="null"/> for a type that is in no node.</param>
    public static DependencyGraph Build(string assemblyPath, Func<string, string, string?> nodeOfType)
    {
        using FileStream stream = File.OpenRead(assemblyPath);
        using var image = new PEReader(stream);
        MetadataReader reader = image.GetMetadataReader();
        var types = new AssemblyTypes(reader);
        var collector = new TypeReferenceCollector(image, reader, types);
        var graph = new DependencyGraph();
        foreach (TypeDefinitionHandle handle in reader.TypeDefinitions)
        {
            TypeDefinitionHandle outermost = types.Outermost(handle);
            if (NodeOf(outermost) is not { } from)
            {
                continue;
            }

            graph.AddNode(from);
            foreach (TypeDefinitionHandle target in collector.ReferencesOf(handle))
            {
                if (NodeOf(target) is { } to && to != from)
                {
                    graph.AddArrow(from, to, $"{DisplayName(outermost)} -> {DisplayName(target)}");
                }
            }
        }

        return graph;

        string? NodeOf(TypeDefinitionHandle type)
        {
            (string typeNamespace, string name) = types.NameOf(type);
            return typeNamespace.Length == 0 ? null : nodeOfType(typeNamespace, name);
        }

        string DisplayName(TypeDefinitionHandle type)
        {
            string name = types.NameOf(type).Name;
            int arity = name.IndexOf('`', StringComparison.Ordinal);
            return arity < 0 ? name : name[..arity];
        }
    }
}
