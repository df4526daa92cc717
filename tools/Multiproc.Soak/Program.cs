using Multiproc.Soak;

// Soak and scale runs (each mode has a short default; see its file for options):
//   dotnet run -c Release --project tools/Multiproc.Soak -- <mode> [options]
// chaos-manager and chaos-worker are the roles the chaos mode starts its child processes in.

return args.FirstOrDefault() switch
{
    "handshake-flood" => await HandshakeFlood.RunAsync(args[1..]),
    "chaos" => await ChaosMode.RunAsync(args[1..]),
    "chaos-manager" => await ChaosManagerRole.RunAsync(),
    "chaos-worker" => await ChaosWorkerRole.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Multiproc.Soak <mode> [options]; modes: handshake-flood, chaos");
    return 2;
}
