namespace Multiproc.Tests.Architecture;

/// <summary>The source scan must see code and nothing else: names in comments and literals are not references,
/// names in interpolation holes are.</summary>
public sealed class CodeTextTests
{
    [Theory]
    [InlineData("A(); // Comment", "A(); ")]
    [InlineData("A /* Comment */ B", "A   B")]
    [InlineData("/// <see cref=\"Doc\"/>\nA", "\nA")]
    [InlineData("x = \"Text \\\" }\"; A", "x =  ; A")]
    [InlineData("x = @\"Text \"\" \\\"; A", "x =  ; A")]
    [InlineData("x = '\"'; y = '\\''; A", "x =  ; y =  ; A")]
    [InlineData("x = $\"Text {{ {Hole(\"q\")} }}\"; A", "x =  Hole( ) ; A")]
    [InlineData("x = $$\"\"\"{ \"Text\": {{Hole}} }\"\"\"; A", "x =  Hole ; A")]
    [InlineData("x = \"\"\"\n  \"Text\" {Brace}\n  \"\"\"; A", "x =  ; A")]
    public void Strip_KeepsCodeAndHoles_DropsCommentsAndLiterals(string source, string code) =>
        Assert.Equal(code, CodeText.Strip(source));
}
