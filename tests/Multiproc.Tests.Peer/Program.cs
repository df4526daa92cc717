using System.Globalization;
using Multiproc;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Peer;

// Roles (first argument):
//   client ADDRESS KEYHEX NAME   looks up NAME, raises it 10 times, creates and publishes "from-peer", prints results
//   serve                         starts a manager with the fixtures registered, prints address and key, runs until stdin closes
//   array-sum NAME                maps shared array NAME, prints the sum of its elements and stores it in element 0
//   serve-child                   starts a manager in a child process, prints that process's id, runs until stdin closes
//   hold ADDRESS KEYHEX NAME      looks up NAME (any type), prints "holding", then waits to be killed
//   hold-lock ADDRESS KEYHEX LOCK QUEUE   acquires LOCK, blocks in a take on QUEUE, then reports the take and a release (HoldLockRole.cs)
//   serve-limits MAXPENDING HANDSHAKEMS   like serve, with a handshake cap and timeout (ServeWithLimits.cs)
//   pool-starved SECONDS          in-process manager, every pool thread a blocked caller (PoolStarvedRole.cs)
//   sem-hold, sem-loop, lock-hold  see PrimitiveRoles.cs
//   consume ADDRESS KEYHEX NAME MODE   takes from queue NAME and prints each item (ConsumeRole.cs)
switch (args[0])
{
    case "client":
        {
            await using Manager manager = await Manager.ConnectAsync(args[1], Convert.FromHexString(args[2]));
            IEmployee employee = await manager.LookupAsync<IEmployee>(args[3]);
            decimal last = 0;
            for (int i = 0; i < 10; i++)
            {
                last = employee.Raise(1m);
            }

            IEmployee created = await manager.CreateAsync<IEmployee>("Peer", 7m);
            created.Manager = employee;
            await manager.PublishAsync("from-peer", created);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"raised {employee.Name} to {last}; pid {Environment.ProcessId}"));
            return 0;
        }

    case "serve":
        {
            var options = new ManagerOptions().Register<IEmployee, Employee>();
            if (args.Length > 1)
            {
                options.Address = args[1];
            }

            await using Manager manager = await Manager.StartAsync(options);
            Console.WriteLine(manager.Address);
            Console.WriteLine(Convert.ToHexString(manager.AuthKey.Span));
            await Console.In.ReadToEndAsync();
            return 0;
        }

    case "serve-child":
        {
            // Owns a manager hosted in a child process; a test kills this process to orphan it.
            var options = new ManagerOptions().Register<IEmployee, Employee>();
            options.Hosting = ManagerHosting.ChildProcess;
            await using Manager manager = await Manager.StartAsync(options);
            Console.WriteLine(manager.ServerProcessId.ToString(CultureInfo.InvariantCulture));
            await Console.In.ReadToEndAsync();
            return 0;
        }

    case "hold":
        {
            await using Manager manager = await Manager.ConnectAsync(args[1], Convert.FromHexString(args[2]));
            SharedObject held = await manager.LookupAsync<SharedObject>(args[3]);
            Console.WriteLine($"holding");
            GC.KeepAlive(held);
            await Console.In.ReadToEndAsync();
            return 0;
        }

    case "hold-lock": return await HoldLockRole.RunAsync(args);

    case "pool-starved": return PoolStarvedRole.Run(args);
    case "consume": return await Multiproc.Tests.Peer.ConsumeRole.RunAsync(args);

    case "array-sum":
        {
            // Maps a shared array by name and works on it with no manager calls at all.
            using SharedArray<long> array = SharedArray<long>.Open(args[1]);
            long sum = 0;
            foreach (long item in array.Span)
            {
                sum += item;
            }

            array[0] = sum;
            Console.WriteLine(sum.ToString(CultureInfo.InvariantCulture));
            return 0;
        }

    case "sem-hold" or "sem-loop" or "lock-hold": return await PrimitiveRoles.RunAsync(args);
    case "serve-limits": return await Multiproc.Tests.Peer.ServeWithLimits.RunAsync(args);

    default:
        Console.Error.WriteLine($"unknown role {args[0]}");
        return 2;
}
