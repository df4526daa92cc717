using System.Reflection.Metadata;

namespace Multiproc.Tests.Architecture;

/// <summary>The type definitions of one assembly: each one's outermost declaring type, its name, and the
/// resolution of a type reference that points back into the same assembly.</summary>
internal sealed class AssemblyTypes
{
    private readonly MetadataReader _reader;
    private readonly string _assemblyName;
    private readonly Dictionary<(string Namespace, string Name), TypeDefinitionHandle> _topLevel = [];

    public AssemblyTypes(MetadataReader reader)
    {
        _reader = reader;
        _assemblyName = reader.GetString(reader.GetAssemblyDefinition().Name);
        foreach (TypeDefinitionHandle handle in reader.TypeDefinitions)
        {
            TypeDefinition type = reader.GetTypeDefinition(handle);
            if (type.GetDeclaringType().IsNil)
            {
                _topLevel[(reader.GetString(type.Namespace), reader.GetString(type.Name))] = handle;
            }
        }
    }

    public TypeDefinitionHandle Outermost(TypeDefinitionHandle handle)
    {
        for (TypeDefinitionHandle outer = _reader.GetTypeDefinition(handle).GetDeclaringType(); !outer.IsNil;
            outer = _reader.GetTypeDefinition(handle).GetDeclaringType())
        {
            handle = outer;
        }

        return handle;
    }

    public (string Namespace, string Name) NameOf(TypeDefinitionHandle handle)
    {
        TypeDefinition type = _reader.GetTypeDefinition(handle);
        return (_reader.GetString(type.Namespace), _reader.GetString(type.Name));
    }

    /// <summary>The outermost definition a type reference names in this assembly, or nil when it names
    /// another assembly's type.</summary>
    public TypeDefinitionHandle Resolve(TypeReferenceHandle handle)
    {
        TypeReference reference = _reader.GetTypeReference(handle);
        EntityHandle scope = reference.ResolutionScope;
        switch (scope.Kind)
        {
            case HandleKind.TypeReference:
                return Resolve((TypeReferenceHandle)scope);
            case HandleKind.AssemblyReference:
                AssemblyReference assembly = _reader.GetAssemblyReference((AssemblyReferenceHandle)scope);
                if (_reader.GetString(assembly.Name) != _assemblyName)
                {
                    return default;
                }

                break;
        }

        return _topLevel.GetValueOrDefault((_reader.GetString(reference.Namespace), _reader.GetString(reference.Name)));
    }
}
