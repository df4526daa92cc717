using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Multiproc.Tests.Architecture;

/// <summary>Collects the assembly's own types that one type definition names anywhere in its metadata: base
/// type, interfaces, generic constraints, field, method, property and event signatures, custom attributes,
/// and the locals, catch clauses and tokens of its IL bodies.</summary>
internal sealed class TypeReferenceCollector(PEReader image, MetadataReader reader, AssemblyTypes types)
{
    private readonly ReferencedTypeProvider _provider = new(types);

    public IReadOnlySet<TypeDefinitionHandle> ReferencesOf(TypeDefinitionHandle handle)
    {
        var found = new HashSet<TypeDefinitionHandle>();
        TypeDefinition type = reader.GetTypeDefinition(handle);
        AddType(type.BaseType, found);
        AddAttributes(type.GetCustomAttributes(), found);
        AddGenericParameters(type.GetGenericParameters(), found);
        foreach (InterfaceImplementationHandle implementation in type.GetInterfaceImplementations())
        {
            AddType(reader.GetInterfaceImplementation(implementation).Interface, found);
        }

        foreach (FieldDefinitionHandle fieldHandle in type.GetFields())
        {
            FieldDefinition field = reader.GetFieldDefinition(fieldHandle);
            found.UnionWith(field.DecodeSignature(_provider, null));
            AddAttributes(field.GetCustomAttributes(), found);
        }

        foreach (MethodDefinitionHandle method in type.GetMethods())
        {
            AddMethod(reader.GetMethodDefinition(method), found);
        }

        foreach (PropertyDefinitionHandle propertyHandle in type.GetProperties())
        {
            PropertyDefinition property = reader.GetPropertyDefinition(propertyHandle);
            AddSignature(property.DecodeSignature(_provider, null), found);
            AddAttributes(property.GetCustomAttributes(), found);
        }

        foreach (EventDefinitionHandle eventHandle in type.GetEvents())
        {
            EventDefinition definition = reader.GetEventDefinition(eventHandle);
            AddType(definition.Type, found);
            AddAttributes(definition.GetCustomAttributes(), found);
        }

        foreach (MethodImplementationHandle implementation in type.GetMethodImplementations())
        {
            AddMember(reader.GetMethodImplementation(implementation).MethodDeclaration, found);
        }

        return found;
    }

    private void AddMethod(MethodDefinition method, HashSet<TypeDefinitionHandle> found)
    {
        AddSignature(method.DecodeSignature(_provider, null), found);
        AddAttributes(method.GetCustomAttributes(), found);
        AddGenericParameters(method.GetGenericParameters(), found);
        foreach (ParameterHandle parameter in method.GetParameters())
        {
            AddAttributes(reader.GetParameter(parameter).GetCustomAttributes(), found);
        }

        if (method.RelativeVirtualAddress == 0)
        {
            return;
        }

        MethodBodyBlock body = image.GetMethodBody(method.RelativeVirtualAddress);
        if (!body.LocalSignature.IsNil)
        {
            foreach (ImmutableArray<TypeDefinitionHandle> local in reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(_provider, null))
            {
                found.UnionWith(local);
            }
        }

        foreach (ExceptionRegion region in body.ExceptionRegions)
        {
            AddType(region.CatchType, found);
        }

        foreach (EntityHandle token in IlTokens.Read(body.GetILReader()))
        {
            AddMember(token, found);
        }
    }

    private void AddGenericParameters(GenericParameterHandleCollection parameters, HashSet<TypeDefinitionHandle> found)
    {
        foreach (GenericParameterHandle parameterHandle in parameters)
        {
            GenericParameter parameter = reader.GetGenericParameter(parameterHandle);
            AddAttributes(parameter.GetCustomAttributes(), found);
            foreach (GenericParameterConstraintHandle constraint in parameter.GetConstraints())
            {
                AddType(reader.GetGenericParameterConstraint(constraint).Type, found);
            }
        }
    }

    private void AddAttributes(CustomAttributeHandleCollection attributes, HashSet<TypeDefinitionHandle> found)
    {
        foreach (CustomAttributeHandle attribute in attributes)
        {
            AddMember(reader.GetCustomAttribute(attribute).Constructor, found);
        }
    }

    private static void AddSignature(MethodSignature<ImmutableArray<TypeDefinitionHandle>> signature, HashSet<TypeDefinitionHandle> found)
    {
        found.UnionWith(signature.ReturnType);
        foreach (ImmutableArray<TypeDefinitionHandle> parameter in signature.ParameterTypes)
        {
            found.UnionWith(parameter);
        }
    }

    /// <summary>A token naming a type, a member (its declaring type and, for generic instantiations, the type
    /// arguments), or a stand-alone signature.</summary>
    private void AddMember(EntityHandle handle, HashSet<TypeDefinitionHandle> found)
    {
        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
                found.Add(types.Outermost(reader.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType()));
                break;
            case HandleKind.FieldDefinition:
                found.Add(types.Outermost(reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType()));
                break;
            case HandleKind.MemberReference:
                MemberReference member = reader.GetMemberReference((MemberReferenceHandle)handle);
                AddMember(member.Parent, found);
                if (member.GetKind() == MemberReferenceKind.Method)
                {
                    AddSignature(member.DecodeMethodSignature(_provider, null), found);
                }
                else
                {
                    found.UnionWith(member.DecodeFieldSignature(_provider, null));
                }

                break;
            case HandleKind.MethodSpecification:
                MethodSpecification specification = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                AddMember(specification.Method, found);
                foreach (ImmutableArray<TypeDefinitionHandle> argument in specification.DecodeSignature(_provider, null))
                {
                    found.UnionWith(argument);
                }

                break;
            case HandleKind.StandaloneSignature:
                StandaloneSignature signature = reader.GetStandaloneSignature((StandaloneSignatureHandle)handle);
                if (signature.GetKind() == StandaloneSignatureKind.Method)
                {
                    AddSignature(signature.DecodeMethodSignature(_provider, null), found);
                }

                break;
            default:
                AddType(handle, found);
                break;
        }
    }

    private void AddType(EntityHandle handle, HashSet<TypeDefinitionHandle> found)
    {
        // A nil coded index (an interface's base type, a finally region's catch type) keeps its table's kind.
        if (handle.IsNil)
        {
            return;
        }

        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
                found.Add(types.Outermost((TypeDefinitionHandle)handle));
                break;
            case HandleKind.TypeReference:
                TypeDefinitionHandle resolved = types.Resolve((TypeReferenceHandle)handle);
                if (!resolved.IsNil)
                {
                    found.Add(resolved);
                }

                break;
            case HandleKind.TypeSpecification:
                found.UnionWith(reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(_provider, null));
                break;
        }
    }
}
