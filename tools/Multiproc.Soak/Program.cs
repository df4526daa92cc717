using Multiproc.Soak;

// Soak and chaos modes against a real manager (see docs/reliability.md). One line per mode:
//   chaos [--minutes N | --seconds N] [--workers N] [--seed S] [--kill-ms MIN MAX] [--tolerate-f2]   SIGKILLs workers at random, then checks invariants
// Internal roles the modes start as child processes of this same executable:
//   chaos-manager, chaos-worker
return args.Length == 0 ? SoakUsage.Print() : args[0] switch
{
    "chaos" => await ChaosMode.RunAsync(args[1..]),
    "chaos-manager" => await ChaosManagerRole.RunAsync(),
    "chaos-worker" => await ChaosWorkerRole.RunAsync(args[1..]),
    _ => SoakUsage.Print(),
};
