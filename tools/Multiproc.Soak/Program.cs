using Multiproc.Soak;

// Soak and scale runs, not part of CI (each mode has a short default; see its file for options):
//   dotnet run -c Release --project tools/Multiproc.Soak -- <mode> [options]
return args.FirstOrDefault() switch
{
    "handshake-flood" => await HandshakeFlood.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Multiproc.Soak <mode> [options]; modes: handshake-flood");
    return 2;
}
