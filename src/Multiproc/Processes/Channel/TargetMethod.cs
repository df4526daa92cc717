using System.Reflection;
using System.Runtime.CompilerServices;

namespace Multiproc.Processes.Channel;

/// <summary>
/// A worker target validated in the parent: a static method, or an instance method on an
/// object without state (such as a non-capturing lambda), that another process can find again.
/// </summary>
/// <remarks>
/// The identity sent to the child is the declaring type's assembly-qualified name plus the
/// method's metadata token (exact even for overloads and lambdas), plus the type arguments of a
/// generic method. The child loads the type by name, so the target's assembly must be one the
/// application loads by name (listed in its deps file), not a dynamic or plug-in assembly.
/// </remarks>
internal sealed class TargetMethod
{
    private const BindingFlags DeclaredMembers =
        BindingFlags.DeclaredOnly | BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    private TargetMethod(MethodInfo method)
    {
        Method = method;
        Parameters = method.GetParameters();
        DisplayName = Describe(method);
    }

    /// <summary>Gets the method the worker runs.</summary>
    public MethodInfo Method { get; }

    /// <summary>Gets the method's parameters, whose declared types encode the arguments.</summary>
    public ParameterInfo[] Parameters { get; }

    /// <summary>Gets a readable name such as <c>Program.Work</c> or <c>a lambda in Program.Main</c>.</summary>
    public string DisplayName { get; }

    /// <summary>Validates <paramref name="target"/> as a worker target.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="target"/> is null.</exception>
    /// <exception cref="ArgumentException">The target carries state or cannot be found by another process; the message says why.</exception>
    public static TargetMethod FromDelegate(Delegate target, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(target, parameterName);
        if (!target.HasSingleTarget)
        {
            throw new ArgumentException("A worker target must be a single method, not a multicast delegate.", parameterName);
        }

        MethodInfo method = target.Method;
        if (method.DeclaringType is null || method.Module.Assembly.IsDynamic)
        {
            throw new ArgumentException(
                $"The worker target {method.Name} is a dynamic method; another process cannot find it. Use a static method.",
                parameterName);
        }

        if (!method.IsStatic && target.Target is null)
        {
            throw new ArgumentException($"The worker target {Describe(method)} is an open instance delegate; use a static method.", parameterName);
        }

        if (target.Target is { } instance)
        {
            RejectState(method, instance.GetType(), parameterName);
        }

        if (method.IsDefined(typeof(AsyncStateMachineAttribute), inherit: false) || IsAwaitable(method.ReturnType))
        {
            throw new ArgumentException(
                $"The worker target {Describe(method)} is asynchronous; worker targets run synchronously. " +
                "Block on the work inside a synchronous method instead.",
                parameterName);
        }

        foreach (ParameterInfo parameter in method.GetParameters())
        {
            if (parameter.ParameterType.IsByRef || parameter.ParameterType.IsPointer)
            {
                throw new ArgumentException(
                    $"Parameter '{parameter.Name}' of the worker target {Describe(method)} is passed by reference or pointer; " +
                    "arguments are copied to another process.",
                    parameterName);
            }
        }

        return new TargetMethod(method);
    }

    /// <summary>Describes a method for messages: <c>Type.Method</c>, or which member a lambda is in.</summary>
    public static string Describe(MethodInfo method)
    {
        Type? type = method.DeclaringType;
        if (type is null)
        {
            return method.Name;
        }

        while (type.DeclaringType is not null && type.Name.StartsWith('<'))
        {
            type = type.DeclaringType;
        }

        string name = method.Name;
        int close = name.IndexOf('>', StringComparison.Ordinal);
        if (name.StartsWith('<') && close > 1)
        {
            string outer = name[1..close];
            int bar = name.IndexOf('|', StringComparison.Ordinal);
            return name.Length > close + 2 && name[close + 1] == 'g' && bar > close
                ? $"local function {name[(close + 4)..bar]} in {type.Name}.{outer}"
                : $"a lambda in {type.Name}.{outer}";
        }

        return $"{type.Name}.{name}";
    }

    /// <summary>Encodes the identity the child resolves with <see cref="DecodeIdentity"/>.</summary>
    /// <remarks>
    /// Assembly simple name and location, module version id, method metadata token; for a generic
    /// declaring type its assembly-qualified name, and the type arguments of a generic method. A
    /// plain binary layout rather than MessagePack, and tokens rather than type names: the child
    /// decodes this while starting, where MessagePack's JIT and the type-name parser cost ~15 ms each.
    /// </remarks>
    public byte[] EncodeIdentity()
    {
        Type declaringType = Method.DeclaringType!;
        Type[] typeArguments = Method.IsGenericMethod ? Method.GetGenericArguments() : Type.EmptyTypes;
        var writer = new BinaryFieldWriter();
        writer.Write(Method.Module.Assembly.GetName().Name!);
        writer.Write(Method.Module.Assembly.Location);
        writer.Write(Method.Module.ModuleVersionId.ToByteArray());
        writer.Write(Method.MetadataToken);
        writer.WriteOptional(declaringType.IsGenericType ? declaringType.AssemblyQualifiedName : null);
        writer.Write(typeArguments.Length);
        foreach (Type typeArgument in typeArguments)
        {
            writer.Write(typeArgument.AssemblyQualifiedName!);
        }

        return writer.ToArray();
    }

    /// <summary>Resolves an identity encoded by <see cref="EncodeIdentity"/> in this process.</summary>
    /// <exception cref="TypeLoadException">The method cannot be found, or the parent runs another build of its assembly.</exception>
    public static MethodInfo DecodeIdentity(ReadOnlySpan<byte> identity)
    {
        var reader = new BinaryFieldReader(identity);
        string assemblyName = reader.ReadString();
        string location = reader.ReadString();
        var moduleVersionId = new Guid(reader.ReadBytes());
        int token = reader.ReadInt32();
        string? genericTypeName = reader.ReadOptionalString();
        var typeArguments = new Type[reader.ReadInt32()];
        for (int i = 0; i < typeArguments.Length; i++)
        {
            typeArguments[i] = Type.GetType(reader.ReadString(), throwOnError: true)!;
        }

        Module module = LoadAssembly(assemblyName, location).ManifestModule;
        if (module.ModuleVersionId != moduleVersionId)
        {
            throw new TypeLoadException($"The worker loaded another build of {assemblyName} than its parent runs ({module.Assembly.Location}).");
        }

        MethodInfo? method = genericTypeName is null
            ? module.ResolveMethod(token) as MethodInfo
            : Type.GetType(genericTypeName, throwOnError: true)!.GetMethods(DeclaredMembers).FirstOrDefault(m => m.MetadataToken == token);
        if (method is null)
        {
            throw new TypeLoadException($"The worker target method (token 0x{token:x8}) is not in {assemblyName}.");
        }

        return typeArguments.Length == 0 ? method : method.MakeGenericMethod(typeArguments);
    }

    /// <summary>Creates the object an instance target runs on: the lambda cache singleton, or a fresh stateless instance.</summary>
    public static object? CreateInstance(MethodInfo method)
    {
        if (method.IsStatic)
        {
            return null;
        }

        Type type = method.DeclaringType!;
        FieldInfo? singleton = type.GetField("<>9", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic);
        if (singleton is not null && singleton.FieldType == type)
        {
            return singleton.GetValue(null);
        }

        ConstructorInfo? constructor = type.GetConstructor(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, Type.EmptyTypes);
        return constructor is null ? RuntimeHelpers.GetUninitializedObject(type) : constructor.Invoke(null);
    }

    // By simple name first (the application's deps file lists it), then by path for assemblies it does not.
    private static Assembly LoadAssembly(string name, string location)
    {
        try
        {
            return Assembly.Load(new AssemblyName { Name = name });
        }
        catch (FileNotFoundException) when (location.Length > 0)
        {
            return System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromAssemblyPath(location);
        }
    }

    private static void RejectState(MethodInfo method, Type instanceType, string parameterName)
    {
        var fields = new List<FieldInfo>();
        for (Type? type = instanceType; type is not null && type != typeof(object); type = type.BaseType)
        {
            fields.AddRange(type.GetFields(BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic));
        }

        if (fields.Count == 0)
        {
            return;
        }

        string fieldNames = string.Join(", ", fields.Select(f => $"'{f.Name}'"));
        string why = IsClosure(instanceType)
            ? "captures " + string.Join(", ", fields.SelectMany(DescribeCapture).Distinct())
            : method.Name.StartsWith('<')
                ? $"captures 'this' (an instance of {instanceType.Name}, which has the field(s) {fieldNames})"
                : $"is an instance method of {instanceType.Name}, which has the field(s) {fieldNames}";
        throw new ArgumentException(
            $"The worker target {Describe(method)} {why}. A worker runs in another process, so its target must be a " +
            "static method or a lambda that captures nothing; pass the value as an argument instead.",
            parameterName);
    }

    private static bool IsAwaitable(Type type)
        => typeof(Task).IsAssignableFrom(type) || type == typeof(ValueTask) || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>));

    private static bool IsClosure(Type type) => type.Name.Contains("DisplayClass", StringComparison.Ordinal);

    private static IEnumerable<string> DescribeCapture(FieldInfo field)
    {
        if (field.Name.StartsWith("<>", StringComparison.Ordinal) && field.Name.EndsWith("__this", StringComparison.Ordinal))
        {
            return [$"'this' (an instance of {field.FieldType.Name})"];
        }

        // A lambda nested in another scope holds that scope's closure in a field named CS$<>8__localsN.
        if (field.Name.StartsWith("CS$<>", StringComparison.Ordinal) && IsClosure(field.FieldType))
        {
            return field.FieldType
                .GetFields(BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .SelectMany(DescribeCapture);
        }

        return [$"the variable '{field.Name}'"];
    }
}
