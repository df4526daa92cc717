using System.CommandLine;

namespace Multiproc.Cli;

/// <summary><c>multiproc keygen FILE</c>: a new key file, mode 0600.</summary>
internal static class KeygenCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "Where to write the key; an existing file is never overwritten." };
        var command = new Command("keygen", "Write a new random key (32 bytes, hexadecimal) to FILE, readable by its owner only.") { file };
        command.SetAction(result =>
        {
            FileInfo target = result.GetValue(file)!;
            try
            {
                KeyFile.Write(target.FullName);
                Console.WriteLine(target.FullName);
                return 0;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"multiproc keygen: {ex.Message}");
                return 1;
            }
        });
        return command;
    }
}
