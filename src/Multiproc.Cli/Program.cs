using System.CommandLine;
using Multiproc.Cli;

// The multiproc tool (docs/cli.md): serve a standalone manager, make key files.
// First, before anything initializes .NET's signal handling: a SIGINT inherited ignored (a script's background job)
// would otherwise never reach the handler below, and serve would never stop.
InterruptSignal.RestoreDefaultIfIgnored();

var root = new RootCommand("Multiproc: shared objects for processes, served by a standalone manager.")
{
    ServeCommand.Create(),
    KeygenCommand.Create(),
    InspectCommand.Create(),
    TopCommand.Create(),
};

// SIGINT and SIGTERM cancel the running command's token; a manager needs well under this to stop.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(4) });
