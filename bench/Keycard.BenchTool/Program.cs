using Keycard.BenchTool;

// bench-tool codes  --database FILE --client ID --user-id N --count N --lifetime 00:30:00 --out FILE
// bench-tool hash-cost --count N
return args.FirstOrDefault() switch
{
    "codes" => await CodeSeeder.RunAsync(Arguments.Parse(args[1..])),
    "hash-cost" => HashCost.Run(Arguments.Parse(args[1..])),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: bench-tool codes --database FILE --client ID --user-id N --count N [--lifetime 00:30:00] --out FILE");
    Console.Error.WriteLine("       bench-tool hash-cost [--count 20]");
    return 2;
}
